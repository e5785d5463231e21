// `pnpm stemkit …`: builds what the CLI needs (turbo, cached: instant once built), then runs it in this process.
// The build's own output is shown only when it fails; a build that takes a while says so once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const turbo = spawn(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--filter=@stemkit/cli...', '--output-logs=errors-only'],
  { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
);
let output = '';
for (const stream of [turbo.stdout, turbo.stderr]) stream.on('data', (chunk) => (output += chunk));
// A cached build takes a second or two; past that, packages are being built (about a minute the first time on
// two busy cores, measured on a fresh clone).
const notice = setTimeout(
  () => process.stderr.write('stemkit: building the packages first (once; cached after)…\n'),
  2_500,
);
// Ctrl-C during the build stops the build; the CLI handles its own once it runs.
const code = await new Promise((resolve) => turbo.on('close', (status, signal) => resolve(status ?? signal)));
clearTimeout(notice);
if (code !== 0) {
  process.stderr.write(output);
  process.stderr.write(`stemkit: the build failed (${code}); nothing was run\n`);
  process.exit(typeof code === 'number' ? code : 1);
}
await import(new URL('../packages/cli/dist/bin.js', import.meta.url).href);

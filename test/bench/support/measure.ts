import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The test package folder: bench children run from there, so they resolve what it depends on. */
export const testPackageDirectory = fileURLToPath(new URL('../..', import.meta.url));

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A measured process that was ended at its time limit. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** What one measured process did: its own report (the last line of stdout, JSON) and its peak resident memory. */
export interface MeasuredRun<Report> {
  report: Report;
  peakRssBytes: number;
  elapsedSeconds: number;
}

/**
 * Runs a command under GNU `time` (`/usr/bin/time`, Debian package `time`) for its peak resident set size
 * (`%M`, kilobytes) and elapsed time; the command's last stdout line, when JSON, is its report.
 */
export function measured<Report = unknown>(
  command: string,
  args: readonly string[],
  timeoutMs = 600_000,
): Promise<MeasuredRun<Report>> {
  const child = spawn('/usr/bin/time', ['-f', '__time__ %M %e', command, ...args], {
    cwd: testPackageDirectory,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a time limit ends the measured process along with GNU time.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  // Every measured process stops by itself: past the limit it is ended (GNU time and its child, by id).
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new TimeoutError(`${command} did not finish in ${timeoutMs / 1_000} s`));
        return;
      }
      const timing = /__time__ (\d+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !timing) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}\n${stdout}`));
        return;
      }
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let report: unknown;
      try {
        report = JSON.parse(last);
      } catch {
        report = undefined;
      }
      resolve({
        report: report as Report,
        peakRssBytes: Number(timing[1]) * 1024,
        elapsedSeconds: Number(timing[2]),
      });
    });
  });
}

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/**
 * A bench child compiled to JavaScript, as an app ships it: type stripping at run time costs a process about
 * 15 MiB and some CPU that a compiled app never pays. Its own files are bundled; packages stay imports, resolved
 * from the test package (the built `dist`). Written under `node_modules/.cache`, so resolution finds them.
 */
export async function compiledChild(source: string): Promise<string> {
  const { build } = createRequire(`${testPackageDirectory}/package.json`)('esbuild') as Esbuild;
  const outfile = join(
    testPackageDirectory,
    'node_modules',
    '.cache',
    'stemkit-bench',
    `${basename(source, '.ts')}.mjs`,
  );
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'es2023',
    logLevel: 'error',
  });
  return outfile;
}

export const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
export const rate = (bytes: number, seconds: number) => `${(bytes / 2 ** 20 / seconds).toFixed(0)} MiB/s`;

/** A Markdown table. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

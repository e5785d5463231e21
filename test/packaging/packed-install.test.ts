import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every public package as users get it: packed with `pnpm pack` (workspace ranges rewritten), installed with npm
// into a scratch project outside the workspace, then used from ESM and from CommonJS against the emulator.
// Packs the built `dist`: `pnpm test` builds first (turbo `^build`).
const run = promisify(execFile);
const packagesDirectory = new URL('../../packages/', import.meta.url);
// Every child process (npm, the scripts, the bins) runs on the Node that runs this test, not the PATH's.
const environment = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };

interface PublicPackage {
  name: string;
  directory: string;
  bin: Record<string, string>;
  /** The package's entries (`@stemkit/core`, `@stemkit/core/driver`…), from its `exports`. */
  entries: string[];
  tarball: string;
}

let scratch: string;
let project: string;
const packages: PublicPackage[] = [];
let emulator: RunningEmulator;

async function publicPackages(): Promise<Omit<PublicPackage, 'tarball'>[]> {
  const found: Omit<PublicPackage, 'tarball'>[] = [];
  for (const entry of (await readdir(packagesDirectory)).sort()) {
    const directory = new URL(`${entry}/`, packagesDirectory).pathname;
    const manifest = JSON.parse(await readFile(join(directory, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
      bin?: Record<string, string>;
      exports?: Record<string, unknown>;
    };
    const entries = Object.keys(manifest.exports ?? {})
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
    if (!manifest.private) found.push({ name: manifest.name, directory, bin: manifest.bin ?? {}, entries });
  }
  return found;
}

// Known before the tests are collected, so that attw gets one test per package.
const unpacked = await publicPackages();

// The type check compiles with the workspace's TypeScript and Node types, installed in the scratch project as
// a user installs them.
const workspaceManifest = JSON.parse(
  await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
) as { devDependencies: Record<string, string> };
const typeTools = Object.fromEntries(
  ['typescript', '@types/node'].map((name) => [name, workspaceManifest.devDependencies[name] ?? 'missing']),
);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'stemkit-packed-'));
  const tarballs = join(scratch, 'tarballs');
  project = join(scratch, 'project');
  await mkdir(project, { recursive: true });
  for (const found of unpacked) {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: found.directory,
      env: environment,
    });
    const tarball = stdout.trim().split('\n').at(-1) ?? '';
    packages.push({ ...found, tarball });
  }
  // Every @stemkit package comes from its tarball, its own dependencies on the others too (`overrides`), so npm
  // never asks the registry about names that exist only here.
  const local = Object.fromEntries(packages.map((each) => [each.name, `file:${each.tarball}`]));
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'stemkit-scratch',
      private: true,
      version: '1.0.0',
      dependencies: local,
      devDependencies: typeTools,
      overrides: local,
    }),
  );
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    env: environment,
    timeout: 420_000,
  });
  await writeFile(join(project, 'song.wav'), sampleWav({ seconds: 1 }));
  emulator = await startEmulator({ processing: { speed: 200 } });
}, 480_000);

afterAll(async () => {
  await emulator?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function node(script: string, extra: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [script], {
    cwd: project,
    env: { ...environment, ...extra },
    timeout: 60_000,
  });
  return stdout;
}

const esmScript = `
import { readFile } from 'node:fs/promises';
import { createStemkit } from '@stemkit/core';
import { sourcere } from '@stemkit/sourcere';

const stemkit = createStemkit({ driver: sourcere() });
const source = new Blob([await readFile('song.wav')]);
const job = await stemkit.wait(await stemkit.separate({ source, stems: ['vocals', 'instrumental'], formats: ['wav'] }));
for (const target of job.targets) {
  const { body } = await stemkit.download(target.outputs[0]);
  console.log(target.stem, (await new Response(body).arrayBuffer()).byteLength);
}
console.log(job.status);
`;

const commonJsScript = `
const { readFileSync } = require('node:fs');
const { createStemkit } = require('@stemkit/core');
const { audioshakeTasks } = require('@stemkit/audioshake');

async function main() {
  const stemkit = createStemkit({ driver: audioshakeTasks() });
  const started = await stemkit.separate({ source: readFileSync('song.wav'), stems: ['vocals', 'drums'], formats: ['wav'] });
  const job = await stemkit.wait(started);
  for (const target of job.targets) {
    const { body } = await stemkit.download(target.outputs[0]);
    console.log(target.stem, (await new Response(body).arrayBuffer()).byteLength);
  }
  console.log(job.status);
}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

describe('packed packages installed with npm outside the workspace', () => {
  it('packs every public package', () => {
    expect(packages.map((each) => each.name)).toEqual(
      expect.arrayContaining([
        '@stemkit/core',
        '@stemkit/sourcere',
        '@stemkit/audioshake',
        '@stemkit/emulator',
      ]),
    );
    for (const each of packages) expect(each.tarball).toMatch(/\.tgz$/);
  });

  it('an ES module runs a Sourcere job against the emulator', async () => {
    await writeFile(join(project, 'job.mjs'), esmScript);
    const stdout = await node('job.mjs', {
      SOURCERE_BASE_URL: emulator.sourcere.baseUrl,
      SOURCERE_USERNAME: emulator.sourcere.username,
      SOURCERE_PASSWORD: emulator.sourcere.password,
    });
    expect(stdout).toMatch(/^vocals \d{5,}$/m);
    expect(stdout).toMatch(/^instrumental \d{5,}$/m);
    expect(stdout).toMatch(/^succeeded$/m);
  });

  it('CommonJS require() runs a Tasks job against the emulator', async () => {
    await writeFile(join(project, 'job.cjs'), commonJsScript);
    const stdout = await node('job.cjs', {
      AUDIOSHAKE_BASE_URL: emulator.tasks.baseUrl,
      AUDIOSHAKE_API_KEY: emulator.tasks.apiKey,
    });
    expect(stdout).toMatch(/^vocals \d{5,}$/m);
    expect(stdout).toMatch(/^drums \d{5,}$/m);
    expect(stdout).toMatch(/^succeeded$/m);
  });

  it('every package entry loads with import and with require()', async () => {
    const entries = packages.map((each) => each.name);
    const script = `
const entries = ${JSON.stringify(entries)};
for (const entry of entries) {
  const required = Object.keys(require(entry)).length;
  import(entry).then((imported) => console.log(entry, required, Object.keys(imported).length));
}`;
    await writeFile(join(project, 'entries.cjs'), script);
    const stdout = await node('entries.cjs');
    for (const entry of entries) expect(stdout).toMatch(new RegExp(`^${entry} ([1-9]\\d*) \\1$`, 'm'));
  });

  it('every bin answers --help', async () => {
    const bins = packages.flatMap((each) => Object.keys(each.bin));
    expect(bins).toContain('stemkit-emulator');
    for (const bin of bins) {
      const { stdout } = await run(join(project, 'node_modules', '.bin', bin), ['--help'], {
        cwd: project,
        env: environment,
      });
      expect(stdout, bin).toMatch(/usage/i);
    }
  });
});

describe('are the types wrong (attw) on the packed tarballs', () => {
  // Profile esm-only: the packages ship ESM only, on purpose. It skips two resolution modes: node10 (TypeScript's
  // pre-exports `moduleResolution: node`, which cannot see subpath exports such as `@stemkit/core/node`) and
  // node16 from a CommonJS file, where attw reports "cjs-resolves-to-esm": that code can reach the packages only
  // through require(esm) (Node ≥ 22, which the packages' engines demand) or a dynamic import().
  // One test per package, each with its own budget: attw loads TypeScript for every tarball (2–4 s here, twice
  // that on a slower CI machine), and all eight in one test outran a 30 s budget there.
  const attw = new URL('../node_modules/@arethetypeswrong/cli/dist/index.js', import.meta.url).pathname;
  it.for(unpacked.map((each) => each.name))(
    'reports no problem for %s',
    { timeout: 90_000 },
    async (name) => {
      const tarball = packages.find((each) => each.name === name)?.tarball ?? '';
      const report = await run(
        process.execPath,
        [attw, tarball, '--profile', 'esm-only', '--format', 'ascii'],
        {
          env: environment,
        },
      ).catch((error: { stdout?: string }) => ({ failed: error.stdout ?? String(error) }));
      expect(report).not.toHaveProperty('failed');
    },
  );
});

describe('the packed types compile in a strict project that checks every .d.ts', () => {
  // Against the tarballs' `.d.ts` (no `@stemkit/source` condition here), with TypeScript's default
  // `skipLibCheck: false`: the README sample, the driver guide's Tinystems driver, a file of checks that stop
  // compiling when a type turns into `any`, and a type-only import of every public entry.
  const examples = new URL('../docs/examples/', import.meta.url);
  const checks = new URL('./types/', import.meta.url);

  it('compiles the README sample, the Tinystems driver and the negative checks with no error', {
    timeout: 120_000,
  }, async () => {
    const folder = join(project, 'types');
    await mkdir(folder, { recursive: true });
    await copyFile(new URL('readme.ts', examples), join(folder, 'readme.ts'));
    await copyFile(new URL('tinystems.ts', examples), join(folder, 'tinystems.ts'));
    await copyFile(new URL('negative-checks.ts', checks), join(folder, 'negative-checks.ts'));
    // Not @stemkit/batch: the `.d.ts` of pg-boss 12.38.0, which its types reference, do not compile with
    // `skipLibCheck: false` (TS2724, ResolvedConstructorOptions), and nothing here can mend them.
    const entries = packages.filter((each) => each.name !== '@stemkit/batch').flatMap((each) => each.entries);
    await writeFile(
      join(folder, 'entries.ts'),
      entries.map((entry, index) => `export type * as entry${index} from '${entry}';\n`).join(''),
    );
    await writeFile(join(folder, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    await writeFile(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          target: 'ES2023',
          lib: ['ES2023', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
        },
        include: ['*.ts'],
      }),
    );
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', folder, '--pretty', 'false'], {
      cwd: folder,
      env: environment,
      timeout: 110_000,
    }).catch((error: { stdout?: string; stderr?: string }) => ({
      failed: `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error),
    }));
    expect(result).not.toHaveProperty('failed');
    expect(entries).toEqual(expect.arrayContaining(['@stemkit/core/driver', '@stemkit/audioshake']));
  });
});

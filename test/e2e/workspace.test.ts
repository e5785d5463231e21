import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('workspace toolchain', () => {
  it('runs every script on Node 24', () => {
    const version = execFileSync('pnpm', ['exec', 'node', '--version'], { encoding: 'utf8' }).trim();
    expect(version).toMatch(/^v24\./);
    expect(process.versions.node).toMatch(/^24\./);
  });

  it('checks engine ranges against the Node the scripts run on, and shows no update notice on install', () => {
    // `nodeVersion` silences ~40 "Unsupported engine" warnings on a machine whose PATH node is older: honest
    // only while it is the Node 24 the `node` devDependency installs.
    const settings = readFileSync(new URL('pnpm-workspace.yaml', `file://${root}`), 'utf8');
    const scriptsNode = execFileSync('pnpm', ['exec', 'node', '--version'], { encoding: 'utf8' }).trim();
    expect(settings).toMatch(
      new RegExp(`^nodeVersion: ${scriptsNode.slice(1).replaceAll('.', '\\.')}$`, 'm'),
    );
    expect(settings).toMatch(/^updateNotifier: false$/m);
  });

  it('resolves workspace packages to their built output outside vitest', () => {
    // A plain Node process, as an app in the workspace runs: no `@stemkit/source` condition, so the package's
    // `import` export, the built `dist`. (Inside vitest the same specifier resolves to the TypeScript source.)
    const script = [
      "const url = import.meta.resolve('@stemkit/core/driver');",
      "const driver = await import('@stemkit/core/driver');",
      'console.log(JSON.stringify({ url, contract: driver.DRIVER_CONTRACT_VERSION }));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      encoding: 'utf8',
      // vitest hands its workers the source condition through NODE_OPTIONS; an app has none of that.
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const { url, contract } = JSON.parse(output) as { url: string; contract: number };
    expect(url).toMatch(/\/packages\/core\/dist\/.+\.js$/);
    expect(contract).toBe(1);
  });

  it('`pnpm stemkit` prints only what the CLI prints (the build stays quiet), and a version that says what it is', () => {
    const run = spawnSync('pnpm', ['stemkit', '--version'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(/^(unreleased \(a workspace build.*\)|\d+\.\d+\.\d+\S*)$/);
    expect(run.stdout).not.toBe('0.0.0\n');
    // At most pnpm's echo of the script, and the one line a slow build adds; never turbo's lines.
    const lines = run.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !/^\$ node scripts\/stemkit\.mjs|^stemkit: building/.test(line))).toEqual(
      [],
    );
    // A cached build takes a second or two; one after a change, minutes on a loaded machine.
  }, 300_000);
});

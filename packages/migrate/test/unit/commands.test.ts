import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGatewayCommand } from '../../src/commands/gateway.ts';
import { MIGRATE_EXIT_CODE } from '../../src/commands/io.ts';
import { runMigrateCommand } from '../../src/commands/main.ts';
import { applyProgressLine } from '../../src/commands/migrate.ts';
import { spawnMigrate } from '../support/subprocess.ts';

/** Runs a command in-process with captured output and only `env` as the environment. */
async function run(
  command: typeof runMigrateCommand,
  argv: readonly string[],
  env: Record<string, string> = {},
) {
  const output = { stdout: '', stderr: '' };
  const code = await command(argv, {
    stdout: { write: (text: string) => (output.stdout += text) },
    stderr: { write: (text: string) => (output.stderr += text) },
    env,
  });
  return { code, ...output };
}

describe('stemkit migrate: usage, errors and exit codes', () => {
  it.each(['export', 'plan', 'apply', 'verify', 'convert'])(
    '`migrate %s --help` prints its own usage',
    async (name) => {
      const { code, stdout } = await run(runMigrateCommand, [name, '--help']);
      expect(code).toBe(MIGRATE_EXIT_CODE.success);
      expect(stdout).toMatch(new RegExp(`^Usage: stemkit migrate ${name} --`));
      expect(stdout).not.toContain('Commands:');
      expect(stdout).toContain('Exit codes');
    },
  );

  it('prefixes every error with `error:`, and a usage error with the help hint', async () => {
    const unknown = await run(runMigrateCommand, ['replan']);
    expect(unknown.code).toBe(MIGRATE_EXIT_CODE.usage);
    expect(unknown.stderr).toBe(
      "error: unknown command 'replan' (migrate has export, plan, apply, verify, convert)\n(add --help for usage)\n",
    );
    const flag = await run(runMigrateCommand, ['plan', '--exprt', 'jobs.jsonl']);
    expect(flag.code).toBe(MIGRATE_EXIT_CODE.usage);
    expect(flag.stderr).toBe("error: unknown option '--exprt'\n(add --help for usage)\n");
  });

  it('exits 3 on missing credentials, as `stemkit separate` does (was 2)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'stemkit-migrate-commands-'));
    const ids = join(folder, 'ids.txt');
    await writeFile(ids, 'job-1\n');
    const { code, stderr } = await run(runMigrateCommand, [
      'export',
      '--ids',
      ids,
      '--out',
      join(folder, 'x'),
    ]);
    expect(code).toBe(MIGRATE_EXIT_CODE.authentication);
    expect(stderr).toBe('error: AUDIOSHAKE_TOKEN is not set: the legacy API is needed for this step\n');
  });
});

describe('stemkit gateway: flags read as commander reads them', () => {
  const env = { STEMKIT_GATEWAY_TOKEN: 'gateway-token-for-flags' };

  it('answers a misspelt flag commander-style, with a suggestion and the hint, not the whole help', async () => {
    const { code, stderr } = await run(runGatewayCommand, ['--backend', 'emulator', '--prot', '8080'], env);
    expect(code).toBe(MIGRATE_EXIT_CODE.usage);
    expect(stderr).toBe("error: unknown option '--prot'\n(Did you mean --port?)\n(add --help for usage)\n");
  });

  it('prefixes its own errors with `error:`, and exits 3 when the backend has no credentials', async () => {
    const backend = await run(runGatewayCommand, ['--backend', 'groovy'], env);
    expect(backend.code).toBe(MIGRATE_EXIT_CODE.usage);
    expect(backend.stderr).toMatch(/^error: --backend must be/);
    const missing = await run(runGatewayCommand, ['--backend', 'audioshake'], env);
    expect(missing.code).toBe(MIGRATE_EXIT_CODE.authentication);
    expect(missing.stderr).toBe(
      'error: AUDIOSHAKE_API_KEY is not set: the Tasks API is needed for this step\n',
    );
  });
});

describe('stemkit-migrate writing into a closed pipe (EPIPE)', () => {
  it('`stemkit-migrate --help | head -1` stops quietly with exit 141, without a stack trace', async () => {
    const running = spawnMigrate(['--help'], {});
    running.child.stdout?.destroy();
    const { code } = await running.exited;
    expect(code).toBe(MIGRATE_EXIT_CODE.outputClosed);
    expect(running.output.stderr).toBe('');
  });
});

describe('stemkit migrate apply progress', () => {
  it('says how many planned tasks settled, in words that read (not "created 3 task(s) this run, of 1 planned")', () => {
    expect(applyProgressLine(3, 10)).toBe('settled 3 of 10 planned tasks this run');
    expect(applyProgressLine(1, 1)).toBe('settled 1 of 1 planned task this run');
  });
});

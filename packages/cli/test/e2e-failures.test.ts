import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.ts';
import { runCli, startCli } from './support/cli.ts';
import { providerEnvironment, testEmulator, workspaceWithTrack } from './support/emulator.ts';

const CANARY = 'canary-secret-7c1e9a';

let emulator: RunningEmulator;
let slow: RunningEmulator;
let folder: string;
let track: string;

beforeAll(async () => {
  [emulator, slow] = await Promise.all([
    testEmulator({ credentials: { password: CANARY, tasksApiKey: `${CANARY}-key` } }),
    // Slow enough that a job is still running when the CLI gives up or is interrupted.
    testEmulator({ processing: { speed: 4 } }),
  ]);
  ({ folder, track } = await workspaceWithTrack());
});

afterAll(async () => {
  await Promise.all([emulator.close(), slow.close()]);
});

describe('stemkit when things go wrong', () => {
  it('exits 2 on a bad argument, sending nothing', async () => {
    const run = await runCli(['separate', track, '--trial', 'soon', '--json'], {
      environment: providerEnvironment(emulator, 'sourcere'),
    });
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.usage);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'usage' } });
    const plain = await runCli(['separate', track, '--stems', ''], {
      environment: providerEnvironment(emulator, 'sourcere'),
    });
    expect(plain.code).toBe(ExitCode.usage);
    expect(plain.stderr).toContain('--stems needs at least one stem name');
    expect(plain.stdout).toBe('');
  });

  it('exits 4 when the job fails, saying why', async () => {
    emulator.faults.set({ failJobs: { probability: 1, message: 'the model choked' } });
    try {
      const json = await runCli(['separate', track, '--out', join(folder, 'failed'), '--json'], {
        environment: providerEnvironment(emulator, 'audioshake'),
      });
      expect(json.code).toBe(ExitCode.jobFailed);
      const result = JSON.parse(json.stdout);
      expect(result).toMatchObject({ ok: false, exitCode: 4, error: { code: 'job-failed' } });
      expect(result.error.message).toContain('the model choked');
      const plain = await runCli(['separate', track, '--out', join(folder, 'failed')], {
        environment: providerEnvironment(emulator, 'sourcere'),
      });
      expect(plain.code).toBe(ExitCode.jobFailed);
      expect(plain.stderr).toMatch(/error: .*the model choked/);
    } finally {
      emulator.faults.clear('failJobs');
    }
  });

  it('exits 4 when some stems fail, still writing the others', async () => {
    emulator.faults.set({ failJobs: { api: 'tasks', model: 'drums', message: 'no drums today' } });
    try {
      const out = join(folder, 'partial');
      const run = await runCli(['separate', track, '--stems', 'vocals,drums', '--out', out, '--json'], {
        environment: providerEnvironment(emulator, 'audioshake'),
      });
      expect(run.code, run.stderr + run.stdout).toBe(ExitCode.jobFailed);
      const result = JSON.parse(run.stdout);
      expect(result).toMatchObject({ ok: false, exitCode: 4, job: { status: 'partial' } });
      expect(result.job.targets).toMatchObject([
        { stem: 'vocals', status: 'succeeded' },
        { stem: 'drums', status: 'failed', error: expect.stringContaining('no drums today') },
      ]);
      expect(await readdir(out)).toEqual(['vocals.wav']);
    } finally {
      emulator.faults.clear('failJobs');
    }
  });

  it('never prints a credential, even with --verbose', async () => {
    const good = await runCli(
      ['separate', track, '--stems', 'vocals', '--out', join(folder, 'canary'), '--verbose'],
      {
        environment: providerEnvironment(emulator, 'sourcere'),
      },
    );
    expect(good.code).toBe(ExitCode.success);
    expect(good.stderr).toContain('debug:');
    expect(good.stderr).toMatch(/^handle: sk1\.\S+$/m);
    const refused = await runCli(
      ['separate', track, '--verbose', '--provider', 'audioshake', '--api-key', `${CANARY}-wrong`],
      {
        environment: { AUDIOSHAKE_BASE_URL: emulator.tasks.baseUrl },
      },
    );
    expect(refused.code).toBe(ExitCode.authentication);
    for (const run of [good, refused]) expect(run.stdout + run.stderr).not.toContain(CANARY);
  });

  it("keeps the legacy API's 401 hint readable: its `Authorization: Bearer <token>` example is not redacted", async () => {
    const refused = await runCli(
      ['separate', track, '--provider', 'audioshake-legacy', '--token', `${CANARY}-bad`],
      {
        environment: { AUDIOSHAKE_LEGACY_BASE_URL: emulator.legacy.baseUrl },
      },
    );
    expect(refused.code).toBe(ExitCode.authentication);
    expect(refused.stderr).toMatch(
      /^error: audioshake-legacy refused the credentials \(401\) to .+: Missing or invalid token: send Authorization: Bearer <token>$/m,
    );
    expect(refused.stderr).not.toContain('[redacted] <token>');
    expect(refused.stderr).not.toContain(CANARY);
  });

  it('exits 5 past --timeout and prints the handle to resume with', async () => {
    const run = await runCli(['separate', track, '--timeout', '0.5', '--out', join(folder, 'late')], {
      environment: providerEnvironment(slow, 'sourcere'),
    });
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.timeout);
    expect(run.stderr).toMatch(
      /Gave up waiting; the job goes on at the provider\. Resume with:\n {2}stemkit wait sk1\.\S+/,
    );
  });

  it('stops cleanly on Ctrl-C, and `download <handle>` finishes the job later', async () => {
    const out = join(folder, 'interrupted');
    const started = startCli(['separate', track, '--stems', 'vocals,drums', '--out', out], {
      environment: providerEnvironment(slow, 'audioshake'),
    });
    await expect.poll(started.stderrSoFar, { timeout: 15_000, interval: 50 }).toContain('processing:');
    started.child.kill('SIGINT');
    const interrupted = await started.done;
    expect(interrupted.code).toBe(ExitCode.interrupted);
    const token = /stemkit download (sk1\.\S+)/.exec(interrupted.stderr)?.[1];
    expect(token).toBeDefined();
    const resumed = await runCli(['download', token!, '--out', out, '--json'], {
      environment: providerEnvironment(slow, 'audioshake'),
    });
    expect(resumed.code).toBe(ExitCode.success);
    expect((await readdir(out)).sort()).toEqual(['drums.wav', 'vocals.wav']);
  });

  it('#19.15 download --out into a folder that cannot be made fails at once instead of spinning', async () => {
    const separated = await runCli(['separate', track, '--stems', 'vocals', '--out', join(folder, 'proc')], {
      environment: providerEnvironment(emulator, 'sourcere'),
    });
    const token = /^handle: (sk1\.\S+)$/m.exec(separated.stderr)?.[1];
    expect(token).toBeDefined();
    // /proc refuses new folders with ENOENT: Node's recursive mkdir retried that forever, at full CPU.
    const download = startCli(['download', token!, '--out', '/proc/self/stemkit-out'], {
      environment: providerEnvironment(emulator, 'sourcere'),
    });
    let run: Awaited<typeof download.done>;
    try {
      run = await download.done;
    } finally {
      // Were it spinning still (the test timed out), it would ignore SIGTERM.
      if (download.child.exitCode === null) download.child.kill('SIGKILL');
    }
    expect(run.code, run.stderr).toBe(ExitCode.failure);
    expect(run.stderr).toMatch(/error: .*\/proc\/self\/stemkit-out/);
  });
});

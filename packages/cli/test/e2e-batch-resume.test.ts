import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdJobs, outputHashes, reportLines, startJsonCli, writeTracks } from './support/batch.ts';
import { PROVIDERS, providerEnvironment, testEmulator } from './support/emulator.ts';

// Acceptance: ≥ 200 short tracks per provider complete; the same batch SIGKILLed at random points five times and
// resumed each time ends with every track done once, and outputs byte-identical to a fault-free run's.
const TRACKS = 200;
const KILLS = 5;
const JOB_COUNT = { sourcere: 'sourcere', 'audioshake-legacy': 'legacy', audioshake: 'tasks' } as const;

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-resume-'));
  writeTracks(join(work, 'in'), TRACKS);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs the batch to its end on a fresh emulator; returns the jobs the emulator created. */
async function runToEnd(provider: (typeof PROVIDERS)[number], out: string, kills: number) {
  const dataDir = join(work, `emulator-${provider}-${kills}`);
  const emulator = await testEmulator({ dataDir });
  const environment = providerEnvironment(emulator, provider);
  const args = [
    'batch',
    join(work, 'in'),
    '--out',
    out,
    '--stems',
    'vocals',
    '--concurrency',
    '32',
    '--rate-limit',
    '500',
    '--json',
  ];
  const killedAt: number[] = [];
  try {
    for (let kill = 0; kill < kills; kill++) {
      const run = startJsonCli(args, environment);
      // At a random point of real work: once a random number (0–40) of tracks have finished in this run, then
      // up to half a second later. A run first lists the tracks finished before it: those are not counted.
      const finishedHere = () => {
        const first = new Map<unknown, unknown>();
        let count = 0;
        for (const line of run.lines) {
          if (!first.has(line.key)) first.set(line.key, line.state);
          else if (line.state === 'done' && first.get(line.key) !== 'done') count += 1;
        }
        return count;
      };
      const target = Math.floor(Math.random() * 41);
      await run.until(() => finishedHere() >= target);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 500));
      killedAt.push(finishedHere());
      run.child.kill('SIGKILL');
      await run.done;
    }
    const started = Date.now();
    const last = startJsonCli(args, environment);
    const result = await last.done;
    console.info(`${provider}: the last run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(result.code, result.stderr).toBe(0);
  } finally {
    await emulator.close();
  }
  return { created: createdJobs(dataDir)[JOB_COUNT[provider]], killedAt };
}

describe.each(PROVIDERS)('stemkit batch on %s, one machine', (provider) => {
  it(`separates ${TRACKS} tracks, and resumes after ${KILLS} SIGKILLs with each track done once`, async () => {
    const reference = join(work, `reference-${provider}`);
    const fresh = await runToEnd(provider, reference, 0);
    expect(fresh.created).toBe(TRACKS);
    const killed = join(work, `killed-${provider}`);
    const resumed = await runToEnd(provider, killed, KILLS);

    const lines = reportLines(killed);
    expect(lines).toHaveLength(TRACKS);
    expect(lines.every((line) => line.status === 'done')).toBe(true);
    expect(new Set(lines.map((line) => line.track)).size).toBe(TRACKS);
    // A start whose answer a kill lost: found again by its marker where the provider lists jobs (Tasks);
    // elsewhere counted, and the only way a second provider job can exist for a track.
    const uncertain = lines.reduce((sum, line) => sum + Number(line.uncertain_starts), 0);
    console.info(
      `${provider}: ${resumed.created} jobs created for ${TRACKS} tracks; kills after ${resumed.killedAt.join(', ')} done; ${uncertain} uncertain starts`,
    );
    if (provider === 'audioshake') expect(uncertain).toBe(0);
    expect(resumed.created).toBeGreaterThanOrEqual(TRACKS);
    expect(resumed.created - TRACKS).toBeLessThanOrEqual(uncertain);
    expect(outputHashes(killed)).toEqual(outputHashes(reference));
    expect(Object.keys(outputHashes(killed))).toHaveLength(TRACKS);
  }, 600_000);
});

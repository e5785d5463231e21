import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createdJobs,
  jobMarkers,
  outputHashes,
  reportLines,
  startJsonCli,
  writeTracks,
} from './support/batch.ts';
import { PROVIDERS, providerEnvironment, testEmulator } from './support/emulator.ts';

// Acceptance: ≥ 200 short tracks per provider complete; the same batch SIGKILLed at random points five times and
// resumed each time ends with every track done once, and outputs byte-identical to a fault-free run's. Stopped
// with SIGTERM (Ctrl-C) instead, it is exact on every provider: a start in flight is finished and recorded.
const TRACKS = 200;
const KILLS = 5;
const JOB_COUNT = { sourcere: 'sourcere', 'audioshake-legacy': 'legacy', audioshake: 'tasks' } as const;

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-resume-'));
  writeTracks(join(work, 'in'), TRACKS);
});

// Thousands of outputs and six ledgers: on a loaded machine removing them took over the default 60 s.
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
}, 300_000);

/**
 * Runs the batch to its end on a fresh emulator, stopped `kills` times on the way by `signal`; returns the jobs
 * the emulator created and the metadata each carries.
 */
async function runToEnd(
  provider: (typeof PROVIDERS)[number],
  out: string,
  kills: number,
  signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL',
) {
  const dataDir = join(work, `emulator-${provider}-${kills}-${signal}`);
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
      // The earlier runs may have left fewer tracks than the target: this run then finishes the batch.
      if (!(await run.until(() => finishedHere() >= target, { orEnd: true }))) {
        const finished = await run.done;
        expect(finished.code, finished.stderr).toBe(0);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 500));
      killedAt.push(finishedHere());
      run.child.kill(signal);
      const stopped = await run.done;
      // SIGTERM: stopped with tracks in hand (130), or the batch had just finished (0): nothing left to stop.
      if (signal === 'SIGTERM') expect([0, 130], stopped.stderr).toContain(stopped.code);
      if (stopped.code === 0) break;
    }
    const started = Date.now();
    const last = startJsonCli(args, environment);
    const result = await last.done;
    console.info(`${provider}: the last run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(result.code, result.stderr).toBe(0);
  } finally {
    await emulator.close();
  }
  return { created: createdJobs(dataDir)[JOB_COUNT[provider]], markers: jobMarkers(dataDir), killedAt };
}

describe.each(PROVIDERS)('stemkit batch on %s, one machine', (provider) => {
  it(`separates ${TRACKS} tracks, and resumes after ${KILLS} SIGKILLs with each track done once`, async () => {
    const reference = join(work, `reference-${provider}`);
    const fresh = await runToEnd(provider, reference, 0);
    expect(fresh.created).toBe(TRACKS);
    expect(reportLines(reference).every((line) => Number(line.uncertain_starts) === 0)).toBe(true);
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
    // Every job beyond one per track is named by the report: it carries the marker of a track whose line counts
    // at least as many uncertain starts as that track has extra jobs.
    const lineOfMarker = new Map(
      lines.map((line) => [resumed.markers.get(String(line.provider_job)), line] as const),
    );
    const extra = new Map<unknown, number>();
    for (const [id, marker] of resumed.markers) {
      if (lines.some((line) => line.provider_job === id)) continue;
      const line = lineOfMarker.get(marker);
      expect(line, `job ${id} belongs to no track`).toBeDefined();
      extra.set(line, (extra.get(line) ?? 0) + 1);
    }
    for (const [line, count] of extra) {
      expect(count).toBeLessThanOrEqual(Number((line as Record<string, unknown>).uncertain_starts));
    }
    expect(outputHashes(killed)).toEqual(outputHashes(reference));
    expect(Object.keys(outputHashes(killed))).toHaveLength(TRACKS);
  }, 600_000);

  it(`is exact when stopped ${KILLS} times with SIGTERM: one provider job per track, no uncertain start`, async () => {
    const out = join(work, `stopped-${provider}`);
    const stopped = await runToEnd(provider, out, KILLS, 'SIGTERM');
    const lines = reportLines(out);
    console.info(
      `${provider}: ${stopped.created} jobs created for ${TRACKS} tracks; SIGTERM after ${stopped.killedAt.join(', ')} done`,
    );
    expect(lines).toHaveLength(TRACKS);
    expect(lines.every((line) => line.status === 'done')).toBe(true);
    expect(lines.every((line) => Number(line.uncertain_starts) === 0)).toBe(true);
    expect(stopped.created).toBe(TRACKS);
  }, 600_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningPostgres, startPostgres } from '@stemkit/testing/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdJobs, outputHashes, reportLines, startJsonCli, writeTracks } from './support/batch.ts';
import { providerEnvironment, testEmulator } from './support/emulator.ts';

// Acceptance: one PostgreSQL server, four worker processes, two SIGKILLed mid-run and one restarted; every track
// done exactly once, outputs byte-identical to a one-machine run's.
const TRACKS = 200;

let work: string;
let postgres: RunningPostgres;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-workers-'));
  writeTracks(join(work, 'in'), TRACKS);
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('stemkit batch --queue and stemkit worker on PostgreSQL', () => {
  it('finishes every track exactly once with four workers, two of them SIGKILLed and one restarted', async () => {
    const dataDir = join(work, 'emulator');
    const emulator = await testEmulator({ dataDir });
    const environment = providerEnvironment(emulator, 'audioshake');
    const common = ['--stems', 'vocals', '--rate-limit', '500'];
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    const reference = join(work, 'reference');
    const workers: Array<ReturnType<typeof startJsonCli>> = [];
    try {
      // The one-machine run the outputs are compared with.
      const alone = await startJsonCli(
        ['batch', join(work, 'in'), '--out', reference, ...common, '--concurrency', '32', '--json'],
        environment,
      ).done;
      expect(alone.code, alone.stderr).toBe(0);

      const queue = postgres.url;
      const out = join(work, 'shared');
      const enqueue = startJsonCli(
        [
          'batch',
          join(work, 'in'),
          '--out',
          out,
          '--queue',
          queue,
          '--concurrency',
          '0',
          ...common,
          '--json',
        ],
        environment,
      );
      const worker = () =>
        startJsonCli(
          [
            'worker',
            '--queue',
            queue,
            '--concurrency',
            '8',
            '--rate-limit',
            '500',
            '--sources',
            join(work, 'in'),
            '--json',
          ],
          environment,
        );
      console.info(`workers: the one-machine run took ${seconds()} s`);
      for (let index = 0; index < 4; index++) workers.push(worker());
      const finished = () => enqueue.lines.filter((line) => line.state === 'done').length;
      await enqueue
        .until(() => finished() >= 30)
        .catch((error: Error) => {
          const texts = workers.map(
            (each) => `${each.stderrSoFar().slice(-1500)}\n${JSON.stringify(each.lines.slice(-5))}`,
          );
          throw new Error(`${error.message}\nworkers:\n${texts.join('\n---\n')}`);
        });
      // Two workers die mid-run, with tracks in hand; one of them comes back.
      for (const victim of workers.slice(0, 2)) victim.child.kill('SIGKILL');
      await Promise.all(workers.slice(0, 2).map((victim) => victim.done));
      await enqueue.until(() => finished() >= 90);
      workers.push(worker());
      const result = await enqueue.done;
      expect(result.code, result.stderr).toBe(0);
      console.info(`workers: the shared run ended at ${seconds()} s`);

      const lines = reportLines(out);
      expect(lines).toHaveLength(TRACKS);
      expect(lines.every((line) => line.status === 'done')).toBe(true);
      expect(outputHashes(out)).toEqual(outputHashes(reference));
      // Every worker that lived did some of the work.
      for (const each of workers.slice(2)) each.child.kill('SIGTERM');
      const ended = await Promise.all(workers.slice(2).map((each) => each.done));
      expect(ended.map((each) => each.code)).toEqual([0, 0, 0]);
    } finally {
      for (const each of workers) each.child.kill('SIGKILL');
      await emulator.close();
    }
    // One provider job per track for the reference run, and one per track for the shared run.
    expect(createdJobs(dataDir).tasks).toBe(2 * TRACKS);
  }, 600_000);
});

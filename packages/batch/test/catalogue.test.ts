import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BatchItem,
  defaultBatchId,
  ManifestError,
  openBatchQueue,
  readBatchInput,
  runBatch,
} from '../src/index.ts';
import { instantClient } from './support/instant-client.ts';

// A catalogue of a million tracks (issue #31): counts, never timings (the times are printed for the record).
const work = mkdtempSync(join(tmpdir(), 'stemkit-batch-catalogue-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes a JSONL manifest of `rows` tracks streaming (never whole in memory); `last` replaces the last line. */
async function manifest(name: string, rows: number, last?: string): Promise<string> {
  const path = join(work, name);
  const stream = createWriteStream(path);
  for (let index = 1; index <= rows; index++) {
    const line =
      index === rows && last !== undefined
        ? last
        : `{"source": "tone.wav", "name": "track-${String(index).padStart(7, '0')}"}`;
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  }
  await finished(stream.end());
  return path;
}

async function drain(results: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of results) {
    // Counted by the ledger.
  }
}

async function queuedCounts(queue: Awaited<ReturnType<typeof openBatchQueue>>) {
  const db = queue.boss.getDb();
  const ledger = await db.executeSql(
    'SELECT count(*)::int AS rows, count(DISTINCT key)::int AS keys FROM stemkit_batch.tracks',
  );
  const jobs = await db.executeSql(
    "SELECT count(*)::int AS jobs, count(DISTINCT data->>'key')::int AS keys FROM stemkit_queue.job",
  );
  return { ledger: ledger.rows[0], jobs: jobs.rows[0] };
}

describe('a catalogue of a million tracks', () => {
  it('refuses a 1,000,000-row manifest with one bad line at the end, naming that line, with nothing queued', async () => {
    const path = await manifest('million.jsonl', 1_000_000, '{"source": "tone.wav", "name": "x\\u0000"}');
    const out = join(work, 'million-out');
    const queue = await openBatchQueue({ directory: join(out, '.stemkit-batch') });
    try {
      const started = performance.now();
      const error = await readBatchInput(path)
        .then((items) => drain(runBatch(instantClient(), items, { out, queue, concurrency: 0 })))
        .catch((caught: unknown) => caught);
      console.log(
        `checked 1,000,000 rows (${(statSync(path).size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(ManifestError.isInstance(error)).toBe(true);
      expect((error as ManifestError).issues).toEqual([
        { field: 'line 1000000: name', message: expect.stringMatching(/control/) },
      ]);
      expect(await queuedCounts(queue)).toEqual({ ledger: { rows: 0, keys: 0 }, jobs: { jobs: 0, keys: 0 } });
    } finally {
      await queue.close();
    }
  }, 600_000);

  it('queues every row of a 100,000-row batch exactly once when SIGKILLed during intake and resumed', async () => {
    const path = await manifest('hundred-thousand.jsonl', 100_000);
    const out = join(work, 'killed-out');
    const child = spawn(
      process.execPath,
      [
        '--experimental-strip-types',
        // The workspace packages from their sources, as in the tests themselves: no build needed.
        '--conditions=@stemkit/source',
        fileURLToPath(new URL('./support/intake-child.ts', import.meta.url)),
        path,
        out,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    // Killed once a fifth is queued: mid-intake, with statements in flight.
    let killedAt = 0;
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const queued = Number(/queued (\d+)\n(?![\s\S]*queued)/.exec(text)?.[1] ?? 0);
        if (queued >= 20_000 && killedAt === 0) {
          killedAt = queued;
          child.kill('SIGKILL');
        }
      });
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`the intake ended by itself (${code})`)),
      );
    });
    expect(killedAt).toBeGreaterThanOrEqual(20_000);
    expect(killedAt).toBeLessThan(100_000);

    const queue = await openBatchQueue({ directory: join(out, '.stemkit-batch') });
    try {
      const before = await queuedCounts(queue);
      // What the killed run left: part of the rows, each at most once.
      expect(before.ledger?.rows).toBeGreaterThanOrEqual(killedAt);
      expect(before.ledger?.rows).toBeLessThan(100_000);
      const stop = new AbortController();
      let total = 0;
      await drain(
        runBatch(instantClient(), await readBatchInput(path), {
          out,
          queue,
          concurrency: 0,
          signal: stop.signal,
          onIntake: (progress) => {
            total = progress.total ?? 0;
            if (progress.rows === progress.total) stop.abort();
          },
        }),
      ).catch((error: unknown) => {
        if (!stop.signal.aborted) throw error;
      });
      expect(total).toBe(100_000);
      expect(await queuedCounts(queue)).toEqual({
        ledger: { rows: 100_000, keys: 100_000 },
        jobs: { jobs: 100_000, keys: 100_000 },
      });
      // The counts the ledger keeps by trigger agree: every track queued, none worked.
      expect(await queue.ledger.counts(defaultBatchId(out))).toEqual({ queued: 100_000 });
    } finally {
      await queue.close();
    }
  }, 600_000);

  it('holds at most one statement of rows at once, and queues in statements of at most 1,000', async () => {
    const out = join(work, 'bounded-out');
    const queue = await openBatchQueue({ directory: join(out, '.stemkit-batch') });
    const rows = 5_500;
    let pulled = 0;
    let heldMost = 0;
    let stored = 0;
    const sizes: number[] = [];
    const addTracks = queue.ledger.addTracks.bind(queue.ledger);
    queue.ledger.addTracks = async (batch, tracks) => {
      sizes.push(tracks.length);
      const added = await addTracks(batch, tracks);
      stored += tracks.length;
      return added;
    };
    const insert = queue.boss.insert.bind(queue.boss);
    const inserts: number[] = [];
    queue.boss.insert = ((
      name: string,
      jobs: Parameters<typeof insert>[1],
      options?: Parameters<typeof insert>[2],
    ) => {
      inserts.push(jobs.length);
      return insert(name, jobs, options);
    }) as typeof insert;
    // An input that counts what it has handed out against what the ledger has taken.
    const items: AsyncIterable<BatchItem> = {
      async *[Symbol.asyncIterator]() {
        for (let index = 0; index < rows; index++) {
          pulled += 1;
          heldMost = Math.max(heldMost, pulled - stored);
          yield { source: join(work, 'tone.wav'), name: `track-${index}` };
        }
      },
    };
    const input = await readBatchInput(await manifest('bounded.jsonl', rows));
    const counted = Object.assign(Object.create(Object.getPrototypeOf(input)), input, {
      [Symbol.asyncIterator]: items[Symbol.asyncIterator],
    });
    // The checked input's own rows are swapped for the counting ones; its identity (a checked input) stays.
    Object.defineProperty(counted, 'fingerprint', { value: input.fingerprint });
    const stop = new AbortController();
    try {
      await drain(
        runBatch(instantClient(), counted, {
          out,
          queue,
          concurrency: 0,
          signal: stop.signal,
          onIntake: (progress) => {
            if (progress.rows === rows) stop.abort();
          },
        }),
      ).catch((error: unknown) => {
        if (!stop.signal.aborted) throw error;
      });
    } finally {
      await queue.close();
    }
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(rows);
    expect(sizes[0]).toBe(50);
    expect(Math.max(...sizes)).toBe(1_000);
    expect(inserts.reduce((sum, size) => sum + size, 0)).toBe(rows);
    expect(Math.max(...inserts)).toBe(1_000);
    // The statement being filled plus the row in hand: never the manifest.
    expect(heldMost).toBeLessThanOrEqual(1_001);
  }, 300_000);
});

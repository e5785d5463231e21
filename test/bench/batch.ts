import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { type BatchItem, openBatchQueue, runBatch } from '@stemkit/batch';
import type { Job } from '@stemkit/core';
import { createCallbackReceiver, createStemkit, type NodeStemkit, toNodeListener } from '@stemkit/core/node';
import { startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { sampleWav } from '@stemkit/testing';
import { startPostgres } from '@stemkit/testing/postgres';
import { startEmulatorProcess } from './support/emulator.ts';
import { table, testPackageDirectory } from './support/measure.ts';

// Catalogue runs (@stemkit/batch): tracks per minute against concurrency, what the ledger and queue cost per
// track, and throughput with 1, 2 and 4 worker processes on one PostgreSQL. Figures only.
const CONCURRENCIES = [1, 4, 16, 64];
const WORKERS = [1, 2, 4];

function writeTracks(folder: string, count: number): BatchItem[] {
  mkdirSync(folder, { recursive: true });
  return Array.from({ length: count }, (_, index) => {
    const source = join(folder, `track-${String(index).padStart(3, '0')}.wav`);
    writeFileSync(source, sampleWav({ seconds: 0.2, frequency: 110 + index * 7 }));
    return { source };
  });
}

async function drain(results: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _ of results) count += 1;
  return count;
}

/** A client whose provider answers at once: what remains of a track's time is the engine's own. */
function instantClient(): NodeStemkit {
  const asset = {
    id: 'a',
    name: 'vocals.wav',
    role: 'stem',
    stem: 'vocals',
    format: 'wav',
    provider: 'bench',
    raw: null,
  };
  const job = {
    id: 'job',
    provider: 'bench',
    status: 'succeeded',
    targets: [
      { id: 't', stem: 'vocals', formats: ['wav'], status: 'succeeded', outputs: [asset], raw: null },
    ],
    warnings: [],
    handle: { contract: 1, provider: 'bench', id: 'job' },
    raw: null,
  } as unknown as Job;
  return {
    provider: 'bench',
    capabilities: { list: false, urlInput: false },
    upload: async () => ({ ...asset, role: 'source' }),
    separate: async () => job,
    wait: async () => job,
    downloadToFile: async (_asset: unknown, path: string) => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, '');
      return { asset, path, size: 0 };
    },
  } as unknown as NodeStemkit;
}

/** A provider's status request, as the emulator sees it. */
const STATUS_REQUEST = {
  sourcere: /^\/sourcere\/separation\/progress$/,
  legacy: /^\/audioshake\/legacy\/job\/[^/]+$/,
  tasks: /^\/audioshake\/tasks\/tasks\/(?!statistics$)[^/]+$/,
} as const;

/**
 * Status requests per job in a batch of jobs that take seconds (the emulator at real speed), waiting on the
 * client's default schedule and then woken by callbacks, counted at the emulator.
 */
async function statusRequestsPerJob(scratch: string): Promise<string[][]> {
  const rows: string[][] = [];
  for (const provider of ['sourcere', 'legacy', 'tasks'] as const) {
    const counts: number[] = [];
    for (const withCallbacks of [false, true]) {
      let requests = 0;
      const stemkitOf = (emulator: Awaited<ReturnType<typeof startEmulator>>) =>
        createStemkit({
          driver:
            provider === 'sourcere'
              ? sourcere(emulator.sourcere)
              : provider === 'legacy'
                ? audioshakeLegacy(emulator.legacy)
                : audioshakeTasks(emulator.tasks),
        });
      const server = createServer();
      await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const emulator = await startEmulator({
        processing: { speed: 1 },
        ...(withCallbacks && provider === 'tasks' ? { tasksWebhookUrl: url } : {}),
        onResponse: (event) => {
          if (event.method === 'GET' && STATUS_REQUEST[provider].test(event.path)) requests += 1;
        },
      });
      const stemkit = stemkitOf(emulator);
      server.on('request', toNodeListener(createCallbackReceiver(stemkit)));
      try {
        const items = writeTracks(join(scratch, `status-${provider}-${withCallbacks}`), 24);
        await drain(
          runBatch(stemkit, items, {
            out: join(scratch, `status-out-${provider}-${withCallbacks}`),
            concurrency: 24,
            stems: ['vocals'],
            ...(withCallbacks ? { callbacks: provider === 'tasks' ? {} : { url } } : {}),
          }),
        );
        counts.push(requests / items.length);
      } finally {
        await emulator.close();
        await new Promise((closed) => server.close(closed));
      }
    }
    rows.push([provider, (counts[0] ?? 0).toFixed(2), (counts[1] ?? 0).toFixed(2)]);
  }
  return rows;
}

export async function batch(): Promise<{ body: string; headline: string[] }> {
  const scratch = mkdtempSync(join(tmpdir(), 'stemkit-bench-batch-'));
  const emulator = await startEmulatorProcess();
  const postgres = await startPostgres();
  try {
    const tasks = (fetch?: typeof globalThis.fetch) =>
      createStemkit({
        driver: audioshakeTasks({
          baseUrl: emulator.info.tasks.baseUrl,
          apiKey: emulator.info.tasks.apiKey,
          ...(fetch ? { fetch } : {}),
        }),
      });

    // Tracks per minute against concurrency, one process, embedded queue, the client's default wait schedule.
    const perConcurrency: string[][] = [];
    for (const concurrency of CONCURRENCIES) {
      const count = Math.max(8, concurrency * 3);
      const items = writeTracks(join(scratch, `in-${concurrency}`), count);
      const started = performance.now();
      await drain(
        runBatch(tasks(), items, {
          out: join(scratch, `out-${concurrency}`),
          concurrency,
          stems: ['vocals'],
        }),
      );
      const minutes = (performance.now() - started) / 60_000;
      perConcurrency.push([String(concurrency), String(count), (count / minutes).toFixed(0)]);
    }

    // The engine's own cost per track: an instant provider, 100 tracks, embedded and on PostgreSQL.
    const overhead: string[][] = [];
    for (const where of ['embedded (PGlite)', 'PostgreSQL']) {
      for (const concurrency of [1, 16]) {
        const items = writeTracks(join(scratch, `cost-${overhead.length}`), 100);
        const out = join(scratch, `cost-out-${overhead.length}`);
        const queue = await openBatchQueue(
          where === 'PostgreSQL' ? { url: postgres.url } : { directory: join(out, '.stemkit-batch') },
        );
        const started = performance.now();
        await drain(
          runBatch(instantClient(), items, { out, queue, concurrency, id: `cost-${overhead.length}` }),
        );
        const milliseconds = (performance.now() - started) / items.length;
        await queue.close();
        overhead.push([where, String(concurrency), `${milliseconds.toFixed(1)} ms`]);
      }
    }

    // Worker processes on one PostgreSQL (`stemkit worker`, 8 tracks each at once), fed by one enqueuer.
    const bin = join(
      dirname(createRequire(`${testPackageDirectory}/package.json`).resolve('@stemkit/cli/package.json')),
      'dist',
      'bin.js',
    );
    const environment = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AUDIOSHAKE_BASE_URL: emulator.info.tasks.baseUrl,
      AUDIOSHAKE_API_KEY: emulator.info.tasks.apiKey,
    };
    const perWorkers: string[][] = [];
    for (const workers of WORKERS) {
      const database = await postgres.createDatabase(`workers_${workers}`);
      const items = writeTracks(join(scratch, `workers-${workers}`), 120);
      const children = Array.from({ length: workers }, () =>
        spawn(
          process.execPath,
          [
            bin,
            'worker',
            '--queue',
            database,
            '--concurrency',
            '8',
            '--rate-limit',
            '1000',
            '--sources',
            join(scratch, `workers-${workers}`),
          ],
          {
            env: environment,
            stdio: 'ignore',
          },
        ),
      );
      const count = items.length;
      const queue = await openBatchQueue({ url: database });
      const started = performance.now();
      await drain(
        runBatch(tasks(), items, {
          out: join(scratch, `workers-out-${workers}`),
          queue,
          concurrency: 0,
          stems: ['vocals'],
        }),
      );
      const minutes = (performance.now() - started) / 60_000;
      await queue.close();
      await Promise.all(
        children.map((child) => {
          const exited = new Promise((resolve) => child.on('exit', resolve));
          child.kill('SIGTERM');
          return exited;
        }),
      );
      perWorkers.push([String(workers), String(count), (count / minutes).toFixed(0)]);
    }

    const perJob = await statusRequestsPerJob(scratch);

    const best = perConcurrency.reduce((left, right) => (Number(right[2]) > Number(left[2]) ? right : left));
    return {
      body: [
        'Tracks of 0.2 s on the Tasks API of the emulator (another process, speed 1000), the client waiting on its default schedule (first poll after 1 s): a track costs about a second of waiting, so concurrency buys throughput until the two cores are busy.',
        '',
        table(['concurrency', 'tracks', 'tracks per minute'], perConcurrency),
        '',
        'What the queue and the ledger cost per track (pg-boss, eight ledger writes, one output file), with a provider that answers at once: wall time per track over 100 tracks.',
        '',
        table(['ledger', 'concurrency', 'per track'], overhead),
        '',
        'Worker processes (`stemkit worker --concurrency 8`) on one PostgreSQL, fed by one enqueuer; all on the same two cores as the emulator.',
        '',
        table(['workers', 'tracks', 'tracks per minute'], perWorkers),
        '',
        'Status requests per job in a batch of 24 tracks whose jobs take seconds (the emulator at real speed: 3–8 s), counted at the emulator: waiting on the default schedule (first poll after 1 s, ×1.5), then woken by callbacks (`callbacks`, the receiver in the same process; polling once a minute as a safety net). On the legacy and Tasks APIs, one of them per job is the download asking the job for a fresh output link.',
        '',
        table(['provider', 'polling', 'with callbacks'], perJob),
      ].join('\n'),
      headline: [
        `batch: ${best[2]} tracks/min at concurrency ${best[0]} on one machine; engine cost per track ${overhead.map((row) => `${row[2]} (${row[0]}, ×${row[1]})`).join(', ')}`,
        `batch status requests per job, polling → with callbacks: ${perJob.map((row) => `${row[0]} ${row[1]} → ${row[2]}`).join(', ')}`,
      ],
    };
  } finally {
    await postgres.stop();
    await emulator.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

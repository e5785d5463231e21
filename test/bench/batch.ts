import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { type BatchItem, openBatchQueue, runBatch } from '@stemkit/batch';
import type { Job } from '@stemkit/core';
import { createCallbackReceiver, createStemkit, type NodeStemkit, toNodeListener } from '@stemkit/core/node';
import { startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { sampleWav } from '@stemkit/testing';
import { startPostgres } from '@stemkit/testing/postgres';
import { startEmulatorProcess } from './support/emulator.ts';
import { measured, TimeoutError, table, testPackageDirectory } from './support/measure.ts';

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
    capabilities: { list: false, urlInput: false, formats: ['wav'] },
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

/** A figure of a run that may have been cut off by its time limit. */
type Figure = number | 'timeout' | null;

interface CatalogueReport {
  firstTrackSeconds: number | null;
  intakeSeconds: number | null;
  tracksPerMinute: number | null;
  ledgerBytes: number | null;
}

/**
 * The batch package's sources as they are at `ref` (default `main`), extracted beside the current ones so they
 * resolve the same dependencies; undefined when the ref is not there (a shallow clone, say).
 */
function baselineSources(ref: string): { module: string; remove: () => void } | undefined {
  const root = join(testPackageDirectory, '..');
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd: root,
      stdio: 'ignore',
    });
  } catch {
    return undefined;
  }
  const folder = join(root, 'packages', 'batch', `.bench-baseline-${process.pid}`);
  mkdirSync(folder, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', ref, 'packages/batch/src'], {
    cwd: root,
    maxBuffer: 64 << 20,
  });
  execFileSync('tar', ['-x', '-C', folder, '--strip-components=2'], { input: archive });
  return {
    module: join(folder, 'src', 'index.ts'),
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** A JSONL manifest of `rows` tracks of one short WAV, written streaming. */
async function catalogueManifest(folder: string, rows: number): Promise<string> {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'tone.wav'), sampleWav({ seconds: 0.2, frequency: 220 }));
  const path = join(folder, `catalogue-${rows}.jsonl`);
  const stream = createWriteStream(path);
  for (let index = 0; index < rows; index++) {
    const line = `{"source": "tone.wav", "name": "track-${String(index).padStart(7, '0')}"}\n`;
    if (!stream.write(line)) await once(stream, 'drain');
  }
  await finished(stream.end());
  return path;
}

/**
 * A catalogue from its manifest to its first track (issue #31): for each version (this commit, and `main` in
 * the same run), engine (PGlite, PostgreSQL) and size (`STEMKIT_BENCH_CATALOGUE_ROWS`, default 10k, 100k and
 * 1M), each step in its own process under GNU time — time to the first track started, intake rows per second,
 * peak RSS, ledger size, resume time with 99.9 % done — and tracks per minute at concurrency 64 with a provider
 * that answers at once (the engine's own limit). A step past its time limit shows as "timeout".
 */
export async function catalogue(): Promise<{ body: string; headline: string[] }> {
  const sizes = (process.env.STEMKIT_BENCH_CATALOGUE_ROWS ?? '10000,100000,1000000').split(',').map(Number);
  const engines = (process.env.STEMKIT_BENCH_CATALOGUE_ENGINES ?? 'pglite,postgres').split(',');
  const limitMs = Number(process.env.STEMKIT_BENCH_CATALOGUE_LIMIT_S ?? 900) * 1000;
  const scratch = mkdtempSync(join(tmpdir(), 'stemkit-bench-catalogue-'));
  const baseline = baselineSources(process.env.STEMKIT_BENCH_BASELINE ?? 'main');
  const versions = [
    {
      label: 'this commit',
      module: join(testPackageDirectory, '..', 'packages', 'batch', 'src', 'index.ts'),
    },
    ...(baseline ? [{ label: process.env.STEMKIT_BENCH_BASELINE ?? 'main', module: baseline.module }] : []),
  ];
  const child = fileURLToPath(new URL('./batch-catalogue-child.ts', import.meta.url));
  const postgres = engines.includes('postgres') ? await startPostgres() : undefined;
  const rows: string[][] = [];
  let databases = 0;
  try {
    for (const size of sizes) {
      const manifest = await catalogueManifest(join(scratch, `manifest-${size}`), size);
      for (const engine of engines) {
        for (const version of versions) {
          const step = async (mode: string, out: string, queue: string | undefined) => {
            try {
              return await measured<CatalogueReport>(
                process.execPath,
                [
                  '--experimental-strip-types',
                  child,
                  JSON.stringify({
                    module: version.module,
                    manifest,
                    out,
                    mode,
                    rows: size,
                    ...(queue ? { queue } : {}),
                  }),
                ],
                limitMs,
              );
            } catch (error) {
              if (error instanceof TimeoutError) return 'timeout' as const;
              throw error;
            }
          };
          const fresh = async () =>
            postgres ? await postgres.createDatabase(`catalogue_${databases++}`) : undefined;
          const out = (name: string) =>
            join(scratch, `${engine}-${size}-${version.label.replace(/\W/g, '_')}-${name}`);
          // To the first track on a fresh ledger, then the whole intake (no worker) on another.
          const first = await step('first', out('first'), engine === 'postgres' ? await fresh() : undefined);
          const intakeQueue = engine === 'postgres' ? await fresh() : undefined;
          const intake = await step('intake', out('intake'), intakeQueue);
          let resume: Awaited<ReturnType<typeof step>> = 'timeout';
          if (intake !== 'timeout') {
            await step('mark', out('intake'), intakeQueue);
            resume = await step('first', out('intake'), intakeQueue);
          }
          const value = (
            run: typeof first,
            pick: (run: Exclude<typeof first, 'timeout'>) => number | null,
          ): Figure => (run === 'timeout' ? 'timeout' : pick(run));
          const show = (figure: Figure, format: (value: number) => string) =>
            figure === 'timeout' ? `> ${limitMs / 1000} s` : figure === null ? '–' : format(figure);
          const seconds = (figure: Figure) => show(figure, (each) => `${each.toFixed(1)} s`);
          const intakeSeconds = value(intake, (run) => run.report.intakeSeconds);
          const peak = Math.max(
            ...[first, intake, resume].map((run) => (run === 'timeout' ? 0 : run.peakRssBytes / 2 ** 20)),
          );
          rows.push([
            size.toLocaleString('en-US'),
            engine === 'postgres' ? 'PostgreSQL' : 'PGlite',
            version.label,
            seconds(value(first, (run) => run.report.firstTrackSeconds)),
            show(intakeSeconds, (each) => `${Math.round(size / each).toLocaleString('en-US')}`),
            `${peak.toFixed(0)} MB`,
            show(
              value(intake, (run) => run.report.ledgerBytes),
              (each) => `${(each / 2 ** 20).toFixed(0)} MB`,
            ),
            seconds(value(resume, (run) => run.report.firstTrackSeconds)),
          ]);
          console.log(rows.at(-1)?.join(' | '));
        }
      }
    }
    // The engine's own pace: 2,000 tracks at 64 at once, the provider answering at once.
    const throughput: string[][] = [];
    const small = await catalogueManifest(join(scratch, 'throughput'), 2_000);
    for (const engine of engines) {
      for (const version of versions) {
        const queue =
          postgres && engine === 'postgres'
            ? await postgres.createDatabase(`catalogue_${databases++}`)
            : undefined;
        const run = await measured<CatalogueReport>(
          process.execPath,
          [
            '--experimental-strip-types',
            child,
            JSON.stringify({
              module: version.module,
              manifest: small,
              out: join(scratch, `throughput-${engine}-${version.label.replace(/\W/g, '_')}`),
              mode: 'throughput',
              rows: 2_000,
              ...(queue ? { queue } : {}),
            }),
          ],
          limitMs,
        ).catch((error: unknown) => {
          if (error instanceof TimeoutError) return undefined;
          throw error;
        });
        throughput.push([
          engine === 'postgres' ? 'PostgreSQL' : 'PGlite',
          version.label,
          run?.report.tracksPerMinute ? run.report.tracksPerMinute.toFixed(0) : `> ${limitMs / 1000} s`,
        ]);
      }
    }
    const mine = rows.filter(
      (row) => row[2] === 'this commit' && row[0] === '100,000' && row[1] === 'PGlite',
    )[0];
    return {
      body: [
        'A catalogue from its manifest to its first track: a JSONL manifest of N rows of one 0.2 s WAV, a provider that answers at once, each step in its own process (peak RSS from GNU time, the largest of the three runs). First track: from process start to the first upload, on a fresh ledger. Intake: rows queued per second from process start to the last row queued (no worker). Resume: on the intake’s ledger with 99.9 % of the tracks marked done, from process start to the first remaining track started. Ledger: the PGlite folder, or the PostgreSQL database, after intake.',
        '',
        table(
          [
            'rows',
            'engine',
            'version',
            'first track',
            'intake rows/s',
            'peak RSS',
            'ledger',
            'resume (99.9 % done)',
          ],
          rows,
        ),
        '',
        'Tracks per minute at concurrency 64, 2,000 tracks, the provider answering at once: the engine (queue and ledger), not the DSP, is the limit.',
        '',
        table(['engine', 'version', 'tracks per minute'], throughput),
      ].join('\n'),
      headline: mine
        ? [
            `catalogue 100k rows on PGlite: first track ${mine[3]}, peak RSS ${mine[5]}, resume with 99.9 % done ${mine[7]}`,
          ]
        : [],
    };
  } finally {
    await postgres?.stop();
    baseline?.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
}

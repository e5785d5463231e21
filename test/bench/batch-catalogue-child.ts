// One catalogue run in its own process, so its peak RSS is the batch's alone: `@stemkit/batch` (or the copy of
// another commit's sources given as the module) over a manifest of N rows of one short WAV, with a provider that
// answers at once. Prints one JSON line of figures. Modes:
//   intake  — queue the whole manifest with no worker, then stop (the ledger is left for `mark`);
//   first   — run with 64 tracks at once until the first track starts, and stop (on a fresh ledger: time to the
//             first track; after `mark`: the resume time with 99.9 % done);
//   mark    — mark all but 0.1 % of the tracks done in the ledger (and their queue jobs completed), as a batch
//             stopped near its end leaves it;
//   throughput — run `rows` tracks of the manifest to the end at 64 at once: tracks per minute.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Config {
  module: string;
  manifest: string;
  out: string;
  mode: 'intake' | 'first' | 'mark' | 'throughput';
  queue?: string;
  rows: number;
}

const config = JSON.parse(process.argv[2] as string) as Config;
const started = performance.now();
const batch = (await import(
  config.module.startsWith('/') ? pathToFileURL(config.module).href : config.module
)) as typeof import('@stemkit/batch');

let firstTrackAt: number | undefined;
const firstTrack = new AbortController();
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
  targets: [{ id: 't', stem: 'vocals', formats: ['wav'], status: 'succeeded', outputs: [asset], raw: null }],
  warnings: [],
  handle: { contract: 1, provider: 'bench', id: 'job' },
  raw: null,
};
// A provider that answers at once: the time to the first upload is the engine's alone.
const client = {
  provider: 'bench',
  capabilities: { list: false, urlInput: false, callbacks: false, stems: 'any', formats: ['wav'] },
  upload: async () => {
    firstTrackAt ??= performance.now();
    firstTrack.abort();
    return { ...asset, role: 'source' };
  },
  separate: async () => job,
  wait: async () => job,
  get: async () => job,
  downloadToFile: async (_asset: unknown, path: string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '');
    return { asset, path, size: 0 };
  },
} as unknown as Parameters<typeof batch.runBatch>[0];

const queue = await batch.openBatchQueue(
  config.queue ? { url: config.queue } : { directory: join(config.out, '.stemkit-batch') },
);
// Every version queues through pg-boss's insert: the last one ends intake.
let inserted = 0;
let intakeEndAt: number | undefined;
const insert = queue.boss.insert.bind(queue.boss);
const intakeDone = new AbortController();
queue.boss.insert = (async (...args: Parameters<typeof insert>) => {
  const result = await insert(...args);
  inserted += args[1].length;
  if (inserted >= config.rows) {
    intakeEndAt ??= performance.now();
    if (!('completeIntake' in queue.ledger)) intakeDone.abort();
  }
  return result;
}) as typeof insert;
// A version that records the end of intake is stopped once it did, so `resume` finds it recorded.
const ledger = queue.ledger as unknown as { completeIntake?: (...args: unknown[]) => Promise<void> };
const complete = ledger.completeIntake?.bind(ledger);
if (complete) {
  ledger.completeIntake = async (...args: unknown[]) => {
    await complete(...args);
    intakeDone.abort();
  };
}

const db = queue.boss.getDb();
if (config.mode === 'mark') {
  await db.executeSql(
    `UPDATE stemkit_batch.tracks SET state = 'done' WHERE position <= (SELECT min(position) FROM stemkit_batch.tracks) + $1`,
    [Math.floor(config.rows * 0.999) - 1],
  );
  await db.executeSql(
    `UPDATE stemkit_queue.job SET state = 'completed', completed_on = now()
     WHERE data->>'key' IN (SELECT key FROM stemkit_batch.tracks WHERE state = 'done')`,
  );
  await queue.close();
  console.log(JSON.stringify({ mode: 'mark' }));
  process.exit(0);
}
const resumeFrom = performance.now();
const signal =
  config.mode === 'intake' ? intakeDone.signal : config.mode === 'first' ? firstTrack.signal : undefined;
let finishedTracks = 0;
let checkedAt: number | undefined;
try {
  const items = await batch.readBatchInput(config.manifest);
  checkedAt = performance.now();
  for await (const _ of batch.runBatch(client, items, {
    out: config.out,
    queue,
    concurrency: config.mode === 'intake' ? 0 : 64,
    stems: ['vocals'],
    ...(signal ? { signal } : {}),
  })) {
    finishedTracks += 1;
  }
} catch (error) {
  if (!signal?.aborted) throw error;
}
const afterRun = performance.now();
const databaseBytes = config.queue
  ? Number((await db.executeSql('SELECT pg_database_size(current_database()) AS bytes')).rows[0]?.bytes)
  : null;
await queue.close();
const ledgerBytes = config.queue
  ? databaseBytes
  : Number(
      execFileSync('du', ['-sb', join(config.out, '.stemkit-batch')], { encoding: 'utf8' }).split('\t')[0],
    );
console.log(
  JSON.stringify({
    mode: config.mode,
    rows: config.rows,
    checkSeconds: checkedAt === undefined ? null : (checkedAt - resumeFrom) / 1000,
    firstTrackSeconds: firstTrackAt === undefined ? null : (firstTrackAt - started) / 1000,
    tracksPerMinute:
      config.mode === 'throughput' && firstTrackAt !== undefined
        ? (finishedTracks / (afterRun - firstTrackAt)) * 60_000
        : null,
    intakeSeconds: intakeEndAt === undefined ? null : (intakeEndAt - started) / 1000,
    runSeconds: (afterRun - started) / 1000,
    ledgerBytes,
  }),
);
process.exit(0);

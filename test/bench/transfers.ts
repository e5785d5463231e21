import { randomFillSync } from 'node:crypto';
import { createWriteStream, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EmulatorProcess, startEmulatorProcess } from './support/emulator.ts';
import {
  compiledChild,
  type MeasuredRun,
  measured,
  mebibytes,
  median,
  rate,
  TimeoutError,
  table,
} from './support/measure.ts';

// Upload and download of large files through each driver to the emulator, next to curl moving the same file to
// the same endpoint: peak resident memory (each transfer in its own process) and throughput.
const MiB = 2 ** 20;
/** 64 MiB, 512 MiB and 2 GiB; `BENCH_SIZES=64,512` (MiB) measures fewer, `BENCH_RUNS` sets the runs of each. */
const sizes = (process.env.BENCH_SIZES ?? '64,512,2048')
  .split(',')
  .map((each) => ({ bytes: Number(each) * MiB, runs: Number(process.env.BENCH_RUNS ?? 3) }));
const drivers = ['sourcere', 'legacy', 'tasks'] as const;
const source = fileURLToPath(new URL('./transfer-child.ts', import.meta.url));
let child = '';
type TransferReport = { seconds: number; bytes: number; url?: string };
/** A transfer's time limit: generous (10 MiB/s), so only a stuck transfer reaches it. */
const limitFor = (bytes: number) => Math.max(60_000, (bytes / (10 * MiB)) * 1_000);
const node = (args: string[], bytes = 0) =>
  measured<TransferReport>(process.execPath, [child, ...args], limitFor(bytes));

/** A run, or `undefined` when it reached its time limit (reported as such, not hidden). */
async function limited<Report>(run: Promise<MeasuredRun<Report>>): Promise<MeasuredRun<Report> | undefined> {
  try {
    return await run;
  } catch (error) {
    if (error instanceof TimeoutError) return undefined;
    throw error;
  }
}

/** A file of random bytes (a 1 MiB random block, repeated): nothing in the path compresses or decodes it. */
async function writeFile(path: string, bytes: number): Promise<void> {
  const block = randomFillSync(Buffer.alloc(MiB));
  const stream = createWriteStream(path);
  for (let written = 0; written < bytes; written += MiB) {
    if (!stream.write(block)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/** A fresh signed PUT URL from Sourcere, for curl. */
async function sourcereUploadUrl(emulator: EmulatorProcess): Promise<string> {
  const { baseUrl, username, password } = emulator.info.sourcere;
  const auth = (await (
    await fetch(`${baseUrl}/auth/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
  ).json()) as { token: string };
  const slot = (await (
    await fetch(`${baseUrl}/separation/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth.token },
      body: '{}',
    })
  ).json()) as { signedUrl: string };
  return slot.signedUrl;
}

/** A signed GET URL of the file, stored through the Tasks API by curl (when no SDK upload finished). */
async function tasksAssetUrl(emulator: EmulatorProcess, file: string, bytes: number): Promise<string> {
  const form = ['-sS', '-f', '-H', 'Expect:', '-H', `x-api-key: ${emulator.info.tasks.apiKey}`];
  const part = `file=@${file};filename=blob.wav;type=application/octet-stream`;
  const { report } = await measured<{ link: string }>(
    'curl',
    [...form, '-F', part, `${emulator.info.tasks.baseUrl}/assets`],
    limitFor(bytes),
  );
  return report.link;
}

async function curlUpload(
  emulator: EmulatorProcess,
  driver: (typeof drivers)[number],
  file: string,
  bytes: number,
) {
  // `Expect:` off: curl would otherwise wait for a 100 Continue before sending a large body.
  const common = ['-sS', '-f', '-o', '/dev/null', '-H', 'Expect:'];
  const limit = limitFor(bytes);
  const part = `file=@${file};filename=blob.wav;type=application/octet-stream`;
  switch (driver) {
    case 'sourcere':
      return measured(
        'curl',
        [
          ...common,
          '-X',
          'PUT',
          '-H',
          'content-type: text/plain',
          '-T',
          file,
          await sourcereUploadUrl(emulator),
        ],
        limit,
      );
    case 'legacy':
      return measured(
        'curl',
        [
          ...common,
          '-H',
          `authorization: Bearer ${emulator.info.legacy.token}`,
          '-F',
          part,
          `${emulator.info.legacy.baseUrl}/upload`,
        ],
        limit,
      );
    case 'tasks':
      return measured(
        'curl',
        [
          ...common,
          '-H',
          `x-api-key: ${emulator.info.tasks.apiKey}`,
          '-F',
          part,
          `${emulator.info.tasks.baseUrl}/assets`,
        ],
        limit,
      );
  }
}

interface Figures {
  rss: number[];
  seconds: number[];
}
const figures = () => ({ rss: [] as number[], seconds: [] as number[] });

/** One run's figures; a run that reached its time limit counts as infinitely slow, its memory as unknown. */
function record(into: Figures, run: MeasuredRun<unknown> | undefined, seconds: number | undefined): void {
  into.rss.push(run?.peakRssBytes ?? Number.NaN);
  into.seconds.push(seconds ?? Number.POSITIVE_INFINITY);
}

export async function transfers(): Promise<{ body: string; headline: string[] }> {
  const rows: string[][] = [];
  const notes: string[] = [];
  child = await compiledChild(source);
  const emulatorIdle = await startEmulatorProcess();
  // What a Node process holding the same modules takes before it moves a byte (compiled JS, as the transfers).
  const idle = await node(['idle', 'tasks', '-', emulatorIdle.json]);
  await emulatorIdle.stop();
  for (const { bytes, runs } of sizes) {
    const free = (() => {
      const stats = statfsSync(tmpdir());
      return stats.bavail * stats.bsize;
    })();
    // The file, plus every copy one driver's emulator stores (stemkit, fetch and curl uploads, per run), plus room.
    const needed = bytes * (1 + 3 * runs + 1) + 2 * 2 ** 30;
    if (free < needed) {
      notes.push(
        `${mebibytes(bytes)} skipped: ${mebibytes(needed)} of free disk needed in ${tmpdir()}, ${mebibytes(free)} free.`,
      );
      continue;
    }
    const file = join(tmpdir(), `stemkit-bench-${bytes}.bin`);
    await writeFile(file, bytes);
    try {
      for (const driver of drivers) rows.push(...(await measureDriver(driver, file, bytes, runs)));
    } finally {
      rmSync(file, { force: true });
    }
  }
  const body = [
    `Each transfer runs in its own Node ${process.versions.node} process, compiled to JavaScript; peak RSS is GNU time's \`%M\` for that process (a Node process holding the same modules, moving nothing, peaks at ${mebibytes(idle.peakRssBytes)}). Two baselines move the same file to the same endpoint: \`fetch\`, the same calls written by hand with Node's \`fetch\` (the file as \`fs.openAsBlob\`, in a \`FormData\` for multipart; the response body read to its end), and curl ${'(Debian `curl`)'}: a PUT to a fresh signed URL (Sourcere), a multipart POST (legacy \`/upload\`, Tasks \`/assets\`), a GET of the stored file's signed URL. The emulator runs in another process on loopback and stores every upload on disk. Throughput: median of the runs; stemkit's and fetch's time is the transfer alone (auth and upload-slot calls included), curl's is its whole process.`,
    '',
    table(
      [
        'transfer',
        'size',
        'runs',
        'stemkit peak RSS',
        'fetch peak RSS',
        'curl peak RSS',
        'stemkit',
        'fetch',
        'curl',
        'stemkit / curl',
        'stemkit / fetch',
      ],
      rows,
    ),
    ...(notes.length ? ['', ...notes.map((note) => `- ${note}`)] : []),
  ].join('\n');
  return { body, headline: transferHeadline(rows) };
}

/** Peak memory across sizes, and the throughput ratios to curl and to fetch at the largest size measured. */
function transferHeadline(rows: string[][]): string[] {
  if (rows.length === 0) return ['transfers: not measured'];
  const peaks = rows
    .map((row) => Number.parseInt(row[3] as string, 10))
    .filter((peak) => Number.isFinite(peak));
  const largest = rows.at(-1)?.[1];
  const atLargest = rows.filter((row) => row[1] === largest);
  const ratios = (column: number) => {
    const values = atLargest
      .map((row) => Number.parseInt(row[column] as string, 10))
      .filter((ratio) => Number.isFinite(ratio));
    return `${Math.round(median(values))} % (${Math.min(...values)}–${Math.max(...values)} %)`;
  };
  return [
    `transfers: stemkit peak RSS ${Math.min(...peaks)}–${Math.max(...peaks)} MiB from ${rows[0]?.[1]} to ${largest} files`,
    `throughput at ${largest}, median of the six transfers (range): ${ratios(9)} of curl's, ${ratios(10)} of hand-written Node \`fetch\`'s`,
  ];
}

/**
 * Uploads and downloads of one file through one driver, by stemkit, by hand with `fetch` and by curl, against an
 * emulator of its own (stopped after, so its stored copies never pile up on disk).
 */
async function measureDriver(
  driver: (typeof drivers)[number],
  file: string,
  bytes: number,
  runs: number,
): Promise<string[][]> {
  const emulator = await startEmulatorProcess();
  try {
    let downloadUrl = '';
    const uploads = { sdk: figures(), byHand: figures(), curl: figures() };
    for (let run = 0; run < runs; run++) {
      const upload = await limited(node(['upload', driver, file, emulator.json], bytes));
      record(uploads.sdk, upload, upload?.report.seconds);
      if (upload?.report.url) downloadUrl = upload.report.url;
      const viaFetch = await limited(node(['upload-fetch', driver, file, emulator.json], bytes));
      record(uploads.byHand, viaFetch, viaFetch?.report.seconds);
      const viaCurl = await limited(curlUpload(emulator, driver, file, bytes));
      record(uploads.curl, viaCurl, viaCurl?.elapsedSeconds);
    }
    // Sourcere hands out no download link for a source: store the file through the Tasks API for the downloads.
    if (!downloadUrl) downloadUrl = await tasksAssetUrl(emulator, file, bytes);
    const downloads = { sdk: figures(), byHand: figures(), curl: figures() };
    for (let run = 0; run < runs; run++) {
      for (const [mode, into] of [
        ['download', downloads.sdk],
        ['download-fetch', downloads.byHand],
      ] as const) {
        const download = await node([mode, driver, '-', emulator.json, downloadUrl]);
        if (download.report.bytes !== bytes)
          throw new Error(`${mode} got ${download.report.bytes} of ${bytes} bytes`);
        record(into, download, download.report.seconds);
      }
      const viaCurl = await measured('curl', ['-sS', '-f', '-o', '/dev/null', downloadUrl]);
      record(downloads.curl, viaCurl, viaCurl.elapsedSeconds);
    }
    return [
      row(`upload via ${driver}`, bytes, uploads.sdk, uploads.byHand, uploads.curl),
      row(`download via ${driver}`, bytes, downloads.sdk, downloads.byHand, downloads.curl),
    ];
  } finally {
    await emulator.stop();
  }
}

function row(name: string, bytes: number, sdk: Figures, byHand: Figures, curl: Figures): string[] {
  const sdkSeconds = median(sdk.seconds);
  const byHandSeconds = median(byHand.seconds);
  const curlSeconds = median(curl.seconds);
  const ratio = (other: number) =>
    Number.isFinite(sdkSeconds) && Number.isFinite(other)
      ? `${((100 * other) / sdkSeconds).toFixed(0)} %`
      : '—';
  const stuck = (figures: Figures) => figures.seconds.filter((seconds) => !Number.isFinite(seconds)).length;
  const memory = (figures: Figures) => {
    const finished = figures.rss.filter((bytes) => Number.isFinite(bytes));
    return finished.length ? mebibytes(median(finished)) : '—';
  };
  const speed = (figures: Figures, seconds: number) =>
    Number.isFinite(seconds)
      ? rate(bytes, seconds)
      : `did not finish in ${limitFor(bytes) / 1_000} s (${stuck(figures)} of ${figures.seconds.length})`;
  return [
    name,
    mebibytes(bytes),
    String(sdk.seconds.length),
    memory(sdk),
    memory(byHand),
    memory(curl),
    speed(sdk, sdkSeconds),
    speed(byHand, byHandSeconds),
    speed(curl, curlSeconds),
    ratio(curlSeconds),
    ratio(byHandSeconds),
  ];
}

import { randomFillSync } from 'node:crypto';
import { createWriteStream, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EmulatorProcess, startEmulatorProcess } from './support/emulator.ts';
import {
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
const sizes = [
  { bytes: 64 * MiB, runs: Number(process.env.BENCH_RUNS ?? 3) },
  { bytes: 512 * MiB, runs: Number(process.env.BENCH_RUNS ?? 3) },
  // 1 MiB under 2 GiB: the legacy and Tasks upload routes refuse 2 GiB and more (and the emulator stalls there
  // instead of answering 413, for curl as for stemkit).
  { bytes: 2_047 * MiB, runs: Number(process.env.BENCH_LARGE_RUNS ?? 1) },
];
const drivers = ['sourcere', 'legacy', 'tasks'] as const;
const child = fileURLToPath(new URL('./transfer-child.ts', import.meta.url));
type TransferReport = { seconds: number; bytes: number; url?: string };
/** A transfer's time limit: generous (10 MiB/s), so only a stuck transfer reaches it. */
const limitFor = (bytes: number) => Math.max(60_000, (bytes / (10 * MiB)) * 1_000);
const node = (args: string[], bytes = 0) =>
  measured<TransferReport>(process.execPath, ['--experimental-strip-types', child, ...args], limitFor(bytes));

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

export async function transfers(): Promise<{ body: string; headline: string[] }> {
  const rows: string[][] = [];
  const notes: string[] = [];
  const emulatorIdle = await startEmulatorProcess();
  // What a Node process holding the same modules takes before it moves a byte.
  const idle = await node(['idle', 'tasks', '-', emulatorIdle.json]);
  await emulatorIdle.stop();
  for (const { bytes, runs } of sizes) {
    const free = (() => {
      const stats = statfsSync(tmpdir());
      return stats.bavail * stats.bsize;
    })();
    // The file, plus every copy the emulator stores (SDK and curl uploads through three drivers, per run), plus room.
    const needed = bytes * (1 + 6 * runs + 1) + 2 * 2 ** 30;
    if (free < needed) {
      notes.push(
        `${mebibytes(bytes)} skipped: ${mebibytes(needed)} of free disk needed in ${tmpdir()}, ${mebibytes(free)} free.`,
      );
      continue;
    }
    const file = join(tmpdir(), `stemkit-bench-${bytes}.bin`);
    await writeFile(file, bytes);
    const emulator = await startEmulatorProcess();
    try {
      let downloadUrl = '';
      for (const driver of drivers) {
        const sdk = figures();
        const curl = figures();
        for (let run = 0; run < runs; run++) {
          const upload = await limited(node(['upload', driver, file, emulator.json], bytes));
          sdk.rss.push(upload?.peakRssBytes ?? Number.NaN);
          sdk.seconds.push(upload?.report.seconds ?? Number.POSITIVE_INFINITY);
          if (upload?.report.url) downloadUrl = upload.report.url;
          const viaCurl = await limited(curlUpload(emulator, driver, file, bytes));
          curl.rss.push(viaCurl?.peakRssBytes ?? Number.NaN);
          curl.seconds.push(viaCurl?.elapsedSeconds ?? Number.POSITIVE_INFINITY);
        }
        rows.push(row(`upload via ${driver}`, bytes, sdk, curl));
      }
      if (!downloadUrl) downloadUrl = await tasksAssetUrl(emulator, file, bytes);
      // Downloads: the client's path is the same whichever driver gave the link; each driver is measured anyway.
      for (const driver of drivers) {
        const sdk = figures();
        const curl = figures();
        for (let run = 0; run < runs; run++) {
          const download = await node(['download', driver, '-', emulator.json, downloadUrl]);
          if (download.report.bytes !== bytes)
            throw new Error(`downloaded ${download.report.bytes} of ${bytes} bytes`);
          sdk.rss.push(download.peakRssBytes);
          sdk.seconds.push(download.report.seconds);
          const viaCurl = await measured('curl', ['-sS', '-f', '-o', '/dev/null', downloadUrl]);
          curl.rss.push(viaCurl.peakRssBytes);
          curl.seconds.push(viaCurl.elapsedSeconds);
        }
        rows.push(row(`download via ${driver}`, bytes, sdk, curl));
      }
    } finally {
      await emulator.stop();
      rmSync(file, { force: true });
    }
  }
  const body = [
    `Each transfer runs in its own Node ${process.versions.node} process; peak RSS is GNU time's \`%M\` for that process (a Node process holding the same modules, moving nothing, peaks at ${mebibytes(idle.peakRssBytes)}). curl ${'(Debian `curl`)'} moves the same file to the same endpoint: a PUT to a fresh signed URL (Sourcere), a multipart POST (legacy \`/upload\`, Tasks \`/assets\`), a GET of the stored file's signed URL. The emulator runs in another process on loopback and stores every upload on disk. Throughput: median of the runs; the SDK's time is the transfer call alone, curl's is its whole process.`,
    '',
    table(
      ['transfer', 'size', 'runs', 'stemkit peak RSS', 'curl peak RSS', 'stemkit', 'curl', 'stemkit / curl'],
      rows,
    ),
    ...(notes.length ? ['', ...notes.map((note) => `- ${note}`)] : []),
  ].join('\n');
  return { body, headline: transferHeadline(rows) };
}

/** Peak memory across sizes, and the throughput ratio to curl at the largest size measured. */
function transferHeadline(rows: string[][]): string[] {
  if (rows.length === 0) return ['transfers: not measured'];
  const peaks = rows
    .map((row) => Number.parseInt(row[3] as string, 10))
    .filter((peak) => Number.isFinite(peak));
  const largest = rows.at(-1)?.[1];
  const atLargest = rows.filter((row) => row[1] === largest);
  const ratios = atLargest
    .map((row) => Number.parseInt(row[7] as string, 10))
    .filter((ratio) => Number.isFinite(ratio));
  return [
    `transfers: stemkit peak RSS ${Math.min(...peaks)}–${Math.max(...peaks)} MiB from 64 MiB to ${largest} files`,
    `throughput at ${largest}: ${Math.min(...ratios)}–${Math.max(...ratios)} % of curl's`,
  ];
}

function row(name: string, bytes: number, sdk: Figures, curl: Figures): string[] {
  const sdkSeconds = median(sdk.seconds);
  const curlSeconds = median(curl.seconds);
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
    memory(curl),
    speed(sdk, sdkSeconds),
    speed(curl, curlSeconds),
    Number.isFinite(sdkSeconds) && Number.isFinite(curlSeconds)
      ? `${((100 * curlSeconds) / sdkSeconds).toFixed(0)} %`
      : '—',
  ];
}

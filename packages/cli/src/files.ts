import { createWriteStream } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { probeAudio, wavInfo } from '@stemkit/audio';
import { type Asset, type DownloadResult, type Job, outputBaseName } from '@stemkit/core';
import type { CliContext } from './context.ts';
import { makeFolder } from './folders.ts';
import type { Session } from './session.ts';

/** One file a command wrote. */
export interface WrittenFile {
  readonly stem?: string;
  /** What the file is to its job: `stem`, `mix`, `archive`… */
  readonly role: string;
  readonly format: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly durationSeconds?: number;
}

/**
 * Streams a download to `path` with progress: written beside it first, then renamed, so `path` is never half a
 * file (an interrupt leaves nothing behind).
 */
export async function writeDownload(
  download: DownloadResult,
  path: string,
  onProgress: (bytes: number) => void,
  signal: AbortSignal,
): Promise<number> {
  const temporary = `${path}.${process.pid}.part`;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Uint8Array, _encoding, done) {
      bytes += chunk.byteLength;
      onProgress(bytes);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(download.body as NodeReadableStream<Uint8Array>),
      counter,
      createWriteStream(temporary),
      { signal },
    );
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return bytes;
}

const WAV_HEADER_BYTES = 64 * 1024;

/**
 * The duration of an audio file: what the provider said, else read from the file — a WAV from its header alone,
 * a compressed file (small) whole.
 */
async function durationOf(asset: Asset, path: string, format: string): Promise<number | undefined> {
  if (asset.durationSeconds !== undefined) return asset.durationSeconds;
  try {
    if (format !== 'wav') return (await probeAudio(await readFile(path))).durationSeconds;
    const file = await open(path);
    try {
      const { size } = await file.stat();
      const { buffer, bytesRead } = await file.read({
        buffer: new Uint8Array(WAV_HEADER_BYTES),
        position: 0,
      });
      return wavInfo(buffer.subarray(0, bytesRead), size).durationSeconds;
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}

/** One file to download: an output, and the format to convert it to when that is not its own. */
export interface DownloadItem {
  readonly asset: Asset;
  /** Another format, delivered by the provider or converted on this machine by the local audio plugin. */
  readonly convertTo?: string;
}

/**
 * Downloads outputs into a folder as `<file name>.<format>`, each with its own progress bar, and reports what
 * was written. `fileName` picks the name.
 */
export async function downloadAll(
  session: Session,
  context: CliContext,
  items: readonly DownloadItem[],
  options: {
    /** The job the assets belong to: lets the client refresh their links. */
    readonly job: Job;
    readonly out: string;
    readonly fileName: (asset: Asset) => string;
  },
): Promise<WrittenFile[]> {
  await makeFolder(options.out, '--out');
  return Promise.all(
    items.map(async ({ asset, convertTo }) => {
      const format = convertTo ?? asset.format ?? (extname(asset.name).slice(1) || 'bin');
      const path = join(options.out, `${options.fileName(asset)}.${format}`);
      const download = await session.stemkit.download(asset, {
        job: options.job,
        signal: context.signal,
        ...(convertTo === undefined || convertTo === asset.format ? {} : { format: convertTo }),
      });
      const task = session.reporter.task(
        `${options.fileName(asset)}.${format}`,
        download.size ?? asset.sizeBytes ?? 0,
        'bytes',
      );
      const sizeBytes = await writeDownload(download, path, (bytes) => task.update(bytes), context.signal);
      task.finish('saved');
      const audio = !['zip', 'json', 'txt', 'srt'].includes(format);
      const durationSeconds = audio ? await durationOf(download.asset, path, format) : undefined;
      return {
        ...(asset.stem === undefined ? {} : { stem: asset.stem }),
        role: asset.role,
        format,
        path,
        sizeBytes,
        durationSeconds,
      };
    }),
  );
}

/**
 * The file name (without extension) of an output: its stem, `<stem>_residual` for a residual, else its name —
 * core's `outputBaseName`, which `@stemkit/batch` names its files by too.
 */
export function outputFileName(asset: Asset): string {
  return outputBaseName(asset);
}

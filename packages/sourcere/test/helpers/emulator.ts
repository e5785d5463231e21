import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { encodeWav } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import type { Asset, JobHandle, StemkitDriver } from '@stemkit/core';
import { isTerminal, type Job } from '@stemkit/core';
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '@stemkit/emulator';
import { type SourcereDriver, type SourcereDriverOptions, sourcere } from '../../src/index.ts';

// The suite drives the driver the way the client does (poll, wait out 202s, refresh expired links), with short
// sleeps: tests may sleep, drivers never do.

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const POLL_MS = 50;

/** The emulator over loopback, fast: every simulated duration divided by 200. */
export function startFastEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ processing: { speed: 200 }, ...options });
}

/** A driver on the emulator's Sourcere API. */
export function driverFor(emulator: RunningEmulator, options: SourcereDriverOptions = {}): SourcereDriver {
  const { baseUrl, username, password } = emulator.sourcere;
  return sourcere({ baseUrl, username, password, retryLimit: 4, timeoutMs: 10_000, ...options });
}

/** A few seconds of a synthetic stereo song (vocals, drums, bass, other), as WAV bytes. */
export function sampleSong(seconds = 3): Uint8Array {
  return encodeWav(synthesizeMixture({ seed: 7, seconds, sampleRate: 22_050 }).mixture);
}

/** A fetch that counts what it sends, by method and path. */
export function countingFetch() {
  const sent: { method: string; url: URL; status: number }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
    const url = new URL(input instanceof Request ? input.url : input);
    const response = await globalThis.fetch(input, init);
    sent.push({ method, url, status: response.status });
    return response;
  };
  return { fetch, sent };
}

/** Uploads bytes and waits until the API has computed their metadata. */
export async function uploadSong(
  driver: SourcereDriver,
  bytes: Uint8Array,
  name = 'song.wav',
): Promise<Asset> {
  const body = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  const asset = await driver.upload({ body, name, size: bytes.length, contentType: 'audio/wav' });
  for (;;) {
    const inspected = await driver.inspect(asset);
    if (inspected.ready) return inspected.asset;
    await sleep(Math.min(inspected.retryAfterMs ?? POLL_MS, POLL_MS));
  }
}

/** Polls until the job is finished. */
export async function waitForJob(driver: StemkitDriver, handle: JobHandle, timeoutMs = 30_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { job } = await driver.status(handle);
    if (isTerminal(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${handle.id} still ${job.status} after ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** Downloads one output: waits out 202s, and asks for a fresh link when storage refuses an expired one. */
export async function downloadOutput(
  driver: StemkitDriver,
  handle: JobHandle,
  asset: Asset,
  format?: string,
): Promise<{ bytes: Uint8Array; refreshed: number }> {
  let refreshed = 0;
  for (;;) {
    const link = await driver.link(handle, { asset, format });
    if (!link.ready) {
      await sleep(Math.min(link.retryAfterMs ?? POLL_MS, POLL_MS));
      continue;
    }
    const response = await fetch(link.url, { method: link.method ?? 'GET' });
    if (response.ok) return { bytes: new Uint8Array(await response.arrayBuffer()), refreshed };
    await response.body?.cancel();
    if (response.status !== 403 || refreshed >= 3) throw new Error(`download answered ${response.status}`);
    refreshed += 1;
  }
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The files the emulator produced for a separation, by checksum: path below `sourcere/<id>/`
 * (`response/track.wav`, `mix/mix_<uuid>.mp3`, `zip/<uuid>.zip`).
 */
export async function producedFiles(
  emulator: RunningEmulator,
  separationId: string,
): Promise<Map<string, string>> {
  const root = join(emulator.dataDir, 'objects', 'sourcere', separationId);
  const files = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.part')) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(sha256(await readFile(path)), relative(root, path));
  }
  return files;
}

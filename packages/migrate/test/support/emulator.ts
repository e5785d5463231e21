import { encodeWav } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import type { Asset } from '@stemkit/core';
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '@stemkit/emulator';

/** The emulator, fast: simulated durations divided by 1000. */
export function startFastEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ processing: { speed: 1000 }, ...options });
}

/** A short synthetic stereo song as WAV bytes; `seed` makes each source different. */
export function shortSong(seed: number, seconds = 1): Uint8Array {
  return encodeWav(synthesizeMixture({ seed, seconds, sampleRate: 16_000 }).mixture);
}

export function legacyDriverOf(emulator: RunningEmulator) {
  return audioshakeLegacy({
    token: emulator.legacy.token,
    baseUrl: emulator.legacy.baseUrl,
    timeoutMs: 20_000,
  });
}

export function tasksDriverOf(emulator: RunningEmulator) {
  return audioshakeTasks({
    apiKey: emulator.tasks.apiKey,
    baseUrl: emulator.tasks.baseUrl,
    timeoutMs: 20_000,
  });
}

/** The environment the migrate commands read their credentials from, for this emulator. */
export function environmentOf(emulator: RunningEmulator): Record<string, string> {
  return {
    AUDIOSHAKE_TOKEN: emulator.legacy.token,
    AUDIOSHAKE_LEGACY_BASE_URL: emulator.legacy.baseUrl,
    AUDIOSHAKE_API_KEY: emulator.tasks.apiKey,
    AUDIOSHAKE_BASE_URL: emulator.tasks.baseUrl,
  };
}

/** Uploads `count` different short songs to the legacy API. */
export async function uploadSources(emulator: RunningEmulator, count: number, seconds = 1): Promise<Asset[]> {
  const legacy = legacyDriverOf(emulator);
  const assets: Asset[] = [];
  for (let index = 0; index < count; index++) {
    const bytes = shortSong(index + 1, seconds);
    assets.push(
      await legacy.upload({
        body: new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(),
        name: `song-${index}.wav`,
        size: bytes.byteLength,
      }),
    );
  }
  return assets;
}

/**
 * `fetch`, tried again (up to three times) when the connection drops before an answer: a loaded loopback server
 * may reset a reused keep-alive socket. Only test set-up goes through it.
 */
async function steadyFetch(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** Creates one legacy job with a raw `POST /job` (as a legacy app did) and returns its id. */
export async function createLegacyJob(
  emulator: RunningEmulator,
  body: Record<string, unknown>,
): Promise<string> {
  const response = await steadyFetch(`${emulator.legacy.baseUrl}/job`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emulator.legacy.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST /job answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { job: { id: string } }).job.id;
}

/** Waits until every legacy job has finished (polled in the emulator's API, bounded by the test timeout). */
export async function waitForLegacyJobs(emulator: RunningEmulator, ids: readonly string[]): Promise<void> {
  let remaining = [...ids];
  while (remaining.length > 0) {
    const statuses = await Promise.all(
      remaining.map(async (id) => {
        const response = await steadyFetch(`${emulator.legacy.baseUrl}/job/${id}`, {
          headers: { authorization: `Bearer ${emulator.legacy.token}` },
        });
        return ((await response.json()) as { job: { status: string } }).job.status;
      }),
    );
    remaining = remaining.filter((_, index) => !['completed', 'failed'].includes(statuses[index] as string));
    if (remaining.length > 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every task on the emulator's Tasks API (all pages of `GET /tasks`). */
export async function allTasks(emulator: RunningEmulator): Promise<Array<{ id: string; metadata?: string }>> {
  const tasks: Array<{ id: string; metadata?: string }> = [];
  for (let skip = 0; ; skip += 100) {
    const response = await steadyFetch(`${emulator.tasks.baseUrl}/tasks?skip=${skip}&take=100`, {
      headers: { 'x-api-key': emulator.tasks.apiKey },
    });
    if (response.status === 429) {
      skip -= 100;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      continue;
    }
    const page = (await response.json()) as Array<{ id: string; metadata?: string }>;
    tasks.push(...page);
    if (page.length < 100) return tasks;
  }
}

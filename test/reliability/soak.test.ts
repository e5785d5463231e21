import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit, type Job, type Stemkit, type StemkitDriver, StemkitError } from '@stemkit/core';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { soakInputs } from './support/audio.ts';
import { canaries, LeakWatch } from './support/canaries.ts';
import { createSoakFetch } from './support/soak-fetch.ts';

// ≥ 1,000 jobs across the three drivers, 20 % of requests faulted, bounded in count, concurrency and time.
const JOBS_PER_DRIVER = 334;
const CONCURRENCY = 24;
// Long enough that a slow answer on a busy CI machine is not mistaken for a stall (a timed-out create that
// reached the emulator would be retried by the application and counted as a duplicate).
const PER_ATTEMPT_TIMEOUT_MS = 4_000;
/**
 * What an application does with a job whose start or download failed transiently: try again. A streamed upload
 * cannot be replayed by the transport, so each attempt is one upload facing ~16 % faults: six attempts left a
 * 1-in-100 chance that one of ~670 uploads failed them all (it happened in CI); twelve make it negligible.
 */
const APPLICATION_ATTEMPTS = 12;

interface SoakDriver {
  name: 'sourcere' | 'legacy' | 'tasks';
  stems: readonly string[];
  stemkit: Stemkit;
}

const watch = new LeakWatch();
let emulator: RunningEmulator;
let dataDir: string;
let soakFetch: ReturnType<typeof createSoakFetch>;
let drivers: SoakDriver[];

/** What a job's outputs hash to, by name; the reference comes from the fault-free run of the same input. */
async function outputChecksums(stemkit: Stemkit, job: Job): Promise<Record<string, string>> {
  const checksums: Record<string, string> = {};
  for (const target of job.targets) {
    for (const output of target.outputs) {
      const hash = createHash('sha256');
      const { body } = await stemkit.download(output);
      for await (const chunk of body) hash.update(chunk);
      checksums[`${target.stem}/${output.name}`] = hash.digest('hex');
    }
  }
  return checksums;
}

/** Transient failures an application retries; anything else is a bug the soak reports. */
function isTransient(error: unknown): boolean {
  if (!StemkitError.isInstance(error)) return false;
  return ['connection', 'rate-limit', 'provider', 'upload', 'download', 'not-found'].includes(error.code);
}

async function withApplicationRetries<Value>(what: () => Promise<Value>, retries: { count: number }) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await what();
    } catch (error) {
      watch.error(error);
      if (attempt >= APPLICATION_ATTEMPTS || !isTransient(error)) throw error;
      retries.count += 1;
    }
  }
}

async function runJob(driver: SoakDriver, input: Uint8Array<ArrayBuffer>, retries: { count: number }) {
  // `separate` either fails before the provider creates the job or returns it: retrying it is safe only
  // because the SDK never leaves a created job behind an error — the creation count checks exactly that.
  const started = await withApplicationRetries(
    () =>
      driver.stemkit.separate({
        source: { body: new Blob([input]).stream(), name: 'tone.wav', size: input.byteLength },
        stems: driver.stems,
        formats: ['wav'],
      }),
    retries,
  );
  const job = await driver.stemkit.wait(started);
  const checksums = await withApplicationRetries(() => outputChecksums(driver.stemkit, job), retries);
  return { job, checksums };
}

async function pool<Item>(items: readonly Item[], concurrency: number, work: (item: Item) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++] as Item;
      await work(item);
    }
  });
  await Promise.all(workers);
}

/** The three drivers, each with canary credentials, the soak's fetch, short timeouts and a short wait schedule. */
function createDrivers(): SoakDriver[] {
  const transport = {
    fetch: soakFetch.fetch,
    retryLimit: 4,
    timeoutMs: PER_ATTEMPT_TIMEOUT_MS,
    logger: watch.logger,
  };
  const client = (driver: StemkitDriver) =>
    createStemkit({
      driver,
      logger: watch.logger,
      wait: { initialDelayMs: 20, maxDelayMs: 250, factor: 1.5, maxPollFailures: 30, timeoutMs: 120_000 },
    });
  return [
    {
      name: 'sourcere',
      stems: ['vocals', 'instrumental'],
      stemkit: client(
        sourcere({
          ...transport,
          baseUrl: emulator.sourcere.baseUrl,
          username: canaries.username,
          password: canaries.password,
        }),
      ),
    },
    {
      name: 'legacy',
      stems: ['vocals'],
      stemkit: client(
        audioshakeLegacy({ ...transport, baseUrl: emulator.legacy.baseUrl, token: canaries.legacyToken }),
      ),
    },
    {
      name: 'tasks',
      stems: ['vocals', 'drums'],
      stemkit: client(
        audioshakeTasks({ ...transport, baseUrl: emulator.tasks.baseUrl, apiKey: canaries.tasksApiKey }),
      ),
    },
  ];
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stemkit-soak-'));
  emulator = await startEmulator({
    dataDir,
    credentials: canaries,
    processing: { speed: 1_000, concurrency: 2 },
    // The Tasks API's own rate limit is not one of the injected faults: keep it out of the way.
    tasksRateLimit: 1_000_000,
    seed: 11,
  });
  soakFetch = createSoakFetch(globalThis.fetch, {
    storageOrigin: new URL(emulator.storageUrl).origin,
    seed: 29,
    stallProbability: 0.04,
    expiredLinkProbability: 0.3,
  });
  drivers = createDrivers();
});

afterAll(async () => {
  await emulator?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('soak: 1,002 jobs through every driver with 20 % of requests faulted', () => {
  const expected = new Map<string, Record<string, string>>();
  const key = (driver: SoakDriver, input: number) => `${driver.name}#${input}`;

  it('records the reference outputs of each input, fault-free', { timeout: 60_000 }, async () => {
    for (const driver of drivers) {
      for (const [index, input] of soakInputs.entries()) {
        const { job, checksums } = await runJob(driver, input, { count: 0 });
        expect(job.status).toBe('succeeded');
        expect(Object.keys(checksums).length).toBeGreaterThanOrEqual(driver.stems.length);
        expected.set(key(driver, index), checksums);
      }
    }
    // The same input gives the same bytes: the comparison below is meaningful.
    const again = await runJob(drivers[0] as SoakDriver, soakInputs[0] as Uint8Array<ArrayBuffer>, {
      count: 0,
    });
    expect(again.checksums).toEqual(expected.get(key(drivers[0] as SoakDriver, 0)));
  });

  it('completes every job once, with the fault-free outputs, and leaks no credential', {
    timeout: 420_000,
  }, async () => {
    const referenceCreations = soakFetch.tally.creations;
    const referenceRequests = soakFetch.tally.total;
    const referenceFaulted = soakFetch.faulted();
    const api = (name: 'sourcere' | 'legacy' | 'tasks') => ({ api: name });
    const everyApi = [api('sourcere'), api('legacy'), api('tasks')];
    emulator.faults.set({
      seed: 5,
      rateLimit: everyApi.map((rule) => ({ ...rule, probability: 0.07, retryAfterSeconds: 0.2 })),
      serverError: everyApi.flatMap((rule) => [
        { ...rule, probability: 0.03, status: 500 as const },
        { ...rule, probability: 0.03, status: 503 as const },
      ]),
      reset: everyApi.map((rule) => ({ ...rule, probability: 0.03 })),
      notFoundAfterCreate: { calls: 1 },
      // Tokens die every 30 s, well before the advertised day, and longer than one call with all its retries
      // (the Sourcere driver renews once per call: a token dying twice within one call is not survived).
      tokenLifetimeSeconds: 30,
      signedUrlLifetimeSeconds: 30,
    });
    soakFetch.setFaults(true);
    // Fresh drivers: the Sourcere one logs in again, under the short token lifetime.
    drivers = createDrivers();

    const work = drivers.flatMap((driver) =>
      Array.from({ length: JOBS_PER_DRIVER }, (_, index) => ({ driver, input: index % soakInputs.length })),
    );
    const retries = { count: 0 };
    const mismatches: string[] = [];
    const failures: string[] = [];
    const completed = { sourcere: 0, legacy: 0, tasks: 0 };
    const startedAt = performance.now();
    await pool(work, CONCURRENCY, async ({ driver, input }) => {
      try {
        const { job, checksums } = await runJob(
          driver,
          soakInputs[input] as Uint8Array<ArrayBuffer>,
          retries,
        );
        if (job.status !== 'succeeded') failures.push(`${driver.name} ${job.id}: ${job.status}`);
        else completed[driver.name] += 1;
        const reference = expected.get(key(driver, input));
        if (JSON.stringify(checksums) !== JSON.stringify(reference)) {
          mismatches.push(`${driver.name}#${input}: ${JSON.stringify(checksums)}`);
        }
      } catch (error) {
        watch.error(error);
        failures.push(
          `${driver.name}: ${error instanceof Error ? `${error.name}: ${error.message}` : error}`,
        );
      }
    });
    const seconds = (performance.now() - startedAt) / 1_000;
    soakFetch.setFaults(false);
    emulator.faults.clear();

    const requests = soakFetch.tally.total - referenceRequests;
    const faulted = soakFetch.faulted() - referenceFaulted;
    const creations = soakFetch.tally.creations - referenceCreations;
    console.info(
      `soak: ${work.length} jobs in ${seconds.toFixed(1)} s, ${requests} requests, ${faulted} faulted ` +
        `(${((100 * faulted) / requests).toFixed(1)} %), ${retries.count} application retries`,
      JSON.stringify({ ...soakFetch.tally, completed }),
    );

    expect(failures).toEqual([]);
    expect(completed).toEqual({ sourcere: JOBS_PER_DRIVER, legacy: JOBS_PER_DRIVER, tasks: JOBS_PER_DRIVER });
    expect(mismatches).toEqual([]);
    // Every job was created exactly once: seen from the client (2xx creations) and from the emulator's state.
    // (One provider job per neutral job here: one separation, one legacy job for one stem, one task.)
    expect(creations).toBe(work.length);
    await emulator.close();
    const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as Record<string, object>;
    const referenceJobs = soakInputs.length + 1;
    expect(Object.keys(state.separations ?? {}).length).toBe(JOBS_PER_DRIVER + referenceJobs);
    expect(Object.keys(state.legacyJobs ?? {}).length).toBe(JOBS_PER_DRIVER + soakInputs.length);
    expect(Object.keys(state.tasks ?? {}).length).toBe(JOBS_PER_DRIVER + soakInputs.length);
    // The faults were really there, at the rate asked for.
    expect(faulted / requests).toBeGreaterThanOrEqual(0.19);
    // Not one canary, token or URL signature in any log line or error of the whole soak.
    expect(watch.lines.length).toBeGreaterThan(requests / 2);
    expect(watch.leaks()).toEqual([]);
  });
});

describe('refused canary credentials', () => {
  it('leave no trace in the errors, however they are printed', async () => {
    // The soak's emulator is closed by now (its state was read): this one accepts the same canaries.
    const emulator = await startEmulator({ credentials: canaries });
    const refused = new LeakWatch();
    const transport = { retryLimit: 0, logger: refused.logger };
    const stemkits = [
      sourcere({
        ...transport,
        baseUrl: emulator.sourcere.baseUrl,
        username: canaries.username,
        password: `${canaries.password}-x`,
      }),
      audioshakeLegacy({
        ...transport,
        baseUrl: emulator.legacy.baseUrl,
        token: `${canaries.legacyToken}-x`,
      }),
      audioshakeTasks({ ...transport, baseUrl: emulator.tasks.baseUrl, apiKey: `${canaries.tasksApiKey}-x` }),
    ].map((driver) => createStemkit({ driver, logger: refused.logger }));
    for (const stemkit of stemkits) {
      const error = await stemkit
        .upload(soakInputs[0] as Uint8Array<ArrayBuffer>)
        .catch((caught: unknown) => caught);
      expect(StemkitError.isInstance(error) && error.code).toBe('auth');
      refused.error(error);
    }
    await emulator.close();
    expect(refused.leaks()).toEqual([]);
  });
});

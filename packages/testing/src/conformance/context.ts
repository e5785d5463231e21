import { memoryStore } from '@stemkit/core';
import type { Asset, Job, LinkResult, StartResult, StemkitDriver } from '@stemkit/core/driver';
import { check, pause } from './assert.ts';
import type { ConformanceHarness, ConformanceOptions } from './harness.ts';
import { credentialLeaks } from './leaks.ts';
import { requestsSent } from './request-log.ts';
import { bytesStream } from './streams.ts';

/**
 * What every check shares: the harness, the options, and the conformance job (started once, lazily).
 *
 * @example
 * ```ts
 * const context: ConformanceContext = createConformanceContext(harness, { jobTimeoutMs: 5_000 });
 * const { job } = await context.finishedJob();
 * ```
 */
export interface ConformanceContext {
  /** The harness the context was built on: the driver under test and the levers the checks pull. */
  readonly harness: ConformanceHarness;
  /** The suite's tuning with every default applied (e.g. `jobTimeoutMs` 45 000). */
  readonly options: Required<ConformanceOptions>;
  /** Uploads the sample and starts the conformance job, once. */
  startedJob(): Promise<{ source: Asset; start: StartResult }>;
  /** The conformance job, polled until terminal, once; with every state seen on the way. */
  finishedJob(): Promise<{ job: Job; seen: readonly Job[] }>;
  /** Polls a job until terminal (bounded), returning every state seen. */
  pollUntilTerminal(driver: StemkitDriver, handle: StartResult['handle']): Promise<Job[]>;
  /** Asks for a link until it is ready (bounded). */
  readyLink(asset: Asset, driver?: StemkitDriver): Promise<Extract<LinkResult, { ready: true }>>;
  /** Credentials the faulty fetch saw leave for a signed URL on another host since this context began. */
  credentialLeaks(): readonly string[];
  /** Requests the faulty fetch has let out so far (compare two readings). */
  requestsSent(): number;
}

const TERMINAL = new Set(['succeeded', 'partial', 'failed', 'canceled']);

/**
 * Builds the shared context of a conformance run.
 *
 * @example
 * ```ts
 * const context = createConformanceContext(createMockHarness());
 * for (const each of conformanceChecks) await each.run(context);
 * ```
 */
export function createConformanceContext(
  harness: ConformanceHarness,
  options: ConformanceOptions = {},
): ConformanceContext {
  const resolved: Required<ConformanceOptions> = {
    checkTimeoutMs: options.checkTimeoutMs ?? 60_000,
    jobTimeoutMs: options.jobTimeoutMs ?? 45_000,
    streamingGraceMs: options.streamingGraceMs ?? 5_000,
    abortGraceMs: options.abortGraceMs ?? 5_000,
  };
  const firstLeak = credentialLeaks().length;
  let started: Promise<{ source: Asset; start: StartResult }> | undefined;
  let finished: Promise<{ job: Job; seen: Job[] }> | undefined;

  async function pollUntilTerminal(driver: StemkitDriver, handle: StartResult['handle']): Promise<Job[]> {
    const seen: Job[] = [];
    const deadline = Date.now() + resolved.jobTimeoutMs;
    for (;;) {
      const { job, retryAfterMs } = await driver.status(handle);
      seen.push(job);
      if (TERMINAL.has(job.status)) return seen;
      check(
        Date.now() < deadline,
        `the job was still "${job.status}" after ${resolved.jobTimeoutMs} ms of polling (statuses seen: ${seen
          .map((each) => each.status)
          .join(', ')})`,
      );
      await pause(Math.min(Math.max(retryAfterMs ?? 100, 20), 1_000));
    }
  }

  const context: ConformanceContext = {
    harness,
    options: resolved,
    startedJob() {
      started ??= (async () => {
        const sample = harness.sampleAudio();
        const targets = harness.request.stems.map((stem) => ({ stem, formats: [harness.request.format] }));
        if (harness.driver.capabilities.uploads === 'inline') {
          // One request carries the audio and starts the work; the outputs go to a store, as the client's do.
          const upload = {
            body: bytesStream(sample.bytes),
            name: sample.name,
            size: sample.bytes.byteLength,
            contentType: sample.contentType,
          };
          const start = await harness.driver.start(
            { source: { upload }, targets },
            { localStore: memoryStore() },
          );
          const source = start.job?.source ?? {
            id: `inline:${sample.name}`,
            name: sample.name,
            role: 'source' as const,
            provider: harness.driver.provider,
            raw: null,
          };
          return { source, start };
        }
        const source = await harness.driver.upload({
          body: bytesStream(sample.bytes),
          name: sample.name,
          size: sample.bytes.byteLength,
          contentType: sample.contentType,
        });
        const start = await harness.driver.start({
          source: { asset: source },
          targets: harness.request.stems.map((stem) => ({ stem, formats: [harness.request.format] })),
        });
        return { source, start };
      })();
      return started;
    },
    finishedJob() {
      finished ??= (async () => {
        const { start } = await context.startedJob();
        const seen = await pollUntilTerminal(harness.driver, start.handle);
        return { job: seen.at(-1) as Job, seen };
      })();
      return finished;
    },
    pollUntilTerminal,
    credentialLeaks: () => credentialLeaks().slice(firstLeak),
    requestsSent,
    async readyLink(asset, driver = harness.driver) {
      const { job } = await context.finishedJob();
      for (let attempt = 0; attempt < 50; attempt++) {
        const link = await driver.link(job.handle, { asset });
        if (link.ready) return link;
        await pause(Math.min(link.retryAfterMs ?? 100, 1_000));
      }
      throw new Error(`the link to asset ${asset.id} never became ready`);
    },
  };
  return context;
}

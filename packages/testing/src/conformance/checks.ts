import { createStemkit, memoryStore } from '@stemkit/core';
import {
  AUDIO_FORMATS,
  type AudioFormat,
  AuthenticationError,
  ConnectionError,
  deriveJobStatus,
  handleToToken,
  InvalidArgumentError,
  isAbortError,
  JobHandleSchema,
  JobSchema,
  mimeTypeOf,
  NotFoundError,
  type OutputFormat,
  ProviderError,
  RateLimitError,
  readHandle,
  type StartResult,
  StemkitError,
  type StemName,
  UnsupportedCapabilityError,
  UsageSchema,
} from '@stemkit/core/driver';
import type { InjectedStatus } from '../faulty-fetch.ts';
import { ConformanceFailure, check, describeError, pause, rejection, within } from './assert.ts';
import { watchRequestBodies } from './byte-watch.ts';
import type { ConformanceContext } from './context.ts';
import { batchedStatusCheck, idempotentStartCheck } from './contract-words.ts';
import { redirectSwitches, startRedirectTrap } from './redirects.ts';
import { splitBytes } from './streams.ts';

/**
 * One conformance check: a name and what it runs against a harness. `describeDriverConformance` registers one
 * vitest test per check; the checks themselves need no test runner.
 *
 * @example
 * ```ts
 * const abort: ConformanceCheck = conformanceChecks.find((check) => check.name.includes('AbortError'))!;
 * await abort.run(createConformanceContext(harness));
 * ```
 */
export interface ConformanceCheck {
  /** What the check asserts, used as the test's name. */
  readonly name: string;
  /** Runs the check; rejects, usually with a `ConformanceFailure` saying what is wrong, when the driver fails it. */
  run(context: ConformanceContext): Promise<void>;
}

const capabilitiesCheck: ConformanceCheck = {
  name: 'declares contract 1, its provider and capabilities that cover the conformance request',
  async run({ harness }) {
    const { driver, request } = harness;
    check(driver.contract === 1, `contract is ${String(driver.contract)}, expected 1`);
    check(
      typeof driver.provider === 'string' && driver.provider.length > 0,
      'provider must be a non-empty name',
    );
    const declared = driver.capabilities;
    check(
      declared.stems === 'any' || Array.isArray(declared.stems),
      'capabilities.stems must be a list or "any"',
    );
    check(
      Array.isArray(declared.formats) && declared.formats.length > 0,
      'capabilities.formats must list formats',
    );
    for (const stem of request.stems) {
      check(declared.stems === 'any' || declared.stems.includes(stem), `stem "${stem}" is not declared`);
    }
    check(declared.formats.includes(request.format), `format "${request.format}" is not declared`);
    check(
      declared.maxTargets === undefined || request.stems.length <= declared.maxTargets,
      `the request has more targets than maxTargets (${declared.maxTargets})`,
    );
    const sample = harness.sampleAudio();
    check(
      declared.maxUploadBytes === undefined || sample.bytes.byteLength <= declared.maxUploadBytes,
      'the sample is larger than maxUploadBytes',
    );
  },
};

const validateCheck: ConformanceCheck = {
  name: 'refuses a request the provider cannot serve before any request: separate sends nothing, not even the upload',
  async run(context) {
    const { harness } = context;
    const { driver } = harness;
    const rejected = harness.rejectedRequest;
    // Keyed on the harness, not on `driver.validate`: a wrapper that drops `validate` must fail here.
    if (!rejected) {
      check(
        !driver.validate,
        'the driver has validate: give the harness a rejectedRequest that validate refuses',
      );
      return;
    }
    const targets = (request: { stems: StemName[]; format: OutputFormat }) =>
      request.stems.map((stem) => ({ stem, formats: [request.format] }));
    const isRefusal = (error: unknown) =>
      InvalidArgumentError.isInstance(error) || UnsupportedCapabilityError.isInstance(error);
    if (driver.validate) {
      driver.validate({ targets: targets(harness.request) });
      const refused = await rejection(
        Promise.resolve().then(() => driver.validate?.({ targets: targets(rejected) })),
        'validate() of the rejectedRequest',
      );
      check(isRefusal(refused), `validate() threw ${describeError(refused)}, not a refusal`);
    }
    const before = context.requestsSent();
    const error = await rejection(
      createStemkit({ driver }).separate({
        source: harness.sampleAudio().bytes,
        stems: rejected.stems,
        formats: [rejected.format],
      }),
      'separate() of the rejectedRequest',
    );
    const sent = context.requestsSent() - before;
    check(
      sent === 0,
      `separate() sent ${sent} request(s) before refusing the rejectedRequest: ` +
        (driver.validate
          ? 'validate must run before the upload'
          : 'the driver has no validate (a wrapper must forward it)'),
    );
    check(isRefusal(error), `separate() of the rejectedRequest failed with ${describeError(error)}`);
  },
};

const uploadStreamingCheck: ConformanceCheck = {
  name: 'streams an upload: its first bytes leave before the source has been read to the end',
  async run({ harness, options }) {
    const sample = harness.sampleAudio();
    const pieces = splitBytes(sample.bytes, 4);
    check(pieces.length >= 2, 'sampleAudio() must be at least 2 bytes long');
    const first = pieces[0] as Uint8Array;
    const watch = watchRequestBodies(first.slice(Math.max(0, first.byteLength - 48)));
    let buffered = false;
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (index === pieces.length - 1) {
          // The last piece is held back until the first has been seen in a request body.
          const outcome = await Promise.race([
            watch.seen.then(() => 'sent'),
            pause(options.streamingGraceMs),
          ]);
          if (outcome !== 'sent') {
            buffered = true;
            controller.error(new ConformanceFailure('source held back'));
            return;
          }
        }
        const piece = pieces[index++];
        if (piece) controller.enqueue(piece);
        else controller.close();
      },
    });
    try {
      const asset = await harness.driver.upload({
        body,
        name: sample.name,
        size: sample.bytes.byteLength,
        contentType: sample.contentType,
      });
      check(!buffered, 'the driver read the whole source before sending any of it');
      check(asset.role === 'source', `the uploaded asset's role is "${asset.role}", expected "source"`);
      check(asset.provider === harness.driver.provider, 'the uploaded asset names another provider');
      check(asset.id.length > 0, 'the uploaded asset has no id');
    } catch (error) {
      if (buffered) {
        throw new ConformanceFailure(
          `the driver read the whole source before sending any of it (no byte left within ${options.streamingGraceMs} ms)`,
        );
      }
      throw error;
    } finally {
      watch.stop();
    }
  },
};

const inlineJobCheck: ConformanceCheck = {
  name: "an inline job (uploads: 'inline'): start streams the source in its one request and keeps the outputs in the local store",
  async run({ harness, options }) {
    const { driver } = harness;
    if (driver.capabilities.uploads !== 'inline') return;
    const sample = harness.sampleAudio();
    const pieces = splitBytes(sample.bytes, 4);
    const first = pieces[0] as Uint8Array;
    const watch = watchRequestBodies(first.slice(Math.max(0, first.byteLength - 48)));
    let buffered = false;
    let index = 0;
    // As in the upload check: the last piece waits until the first was seen leaving, so a driver that collects
    // the source (memory growing with the file) before its request is caught.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (index === pieces.length - 1) {
          const outcome = await Promise.race([
            watch.seen.then(() => 'sent'),
            pause(options.streamingGraceMs),
          ]);
          if (outcome !== 'sent') {
            buffered = true;
            controller.error(new ConformanceFailure('source held back'));
            return;
          }
        }
        const piece = pieces[index++];
        if (piece) controller.enqueue(piece);
        else controller.close();
      },
    });
    const localStore = memoryStore();
    let result: StartResult;
    try {
      result = await driver.start(
        {
          source: {
            upload: {
              body,
              name: sample.name,
              size: sample.bytes.byteLength,
              contentType: sample.contentType,
            },
          },
          targets: harness.request.stems.map((stem) => ({ stem, formats: [harness.request.format] })),
        },
        { localStore },
      );
    } catch (error) {
      if (buffered) {
        throw new ConformanceFailure(
          `the driver read the whole source before sending any of it (no byte left within ${options.streamingGraceMs} ms)`,
        );
      }
      throw error;
    } finally {
      watch.stop();
    }
    check(!buffered, 'the driver read the whole source before sending any of it');
    const outputs = result.job?.targets.flatMap((target) => target.outputs) ?? [];
    check(outputs.length > 0, 'an inline start returned no finished job with outputs');
    for (const output of outputs) {
      check(localStore.has(output.id), `output ${output.id} is not in the local store the client passed`);
    }
  },
};

const statusMappingCheck: ConformanceCheck = {
  name: 'starts a job and maps its statuses, targets and outputs until it succeeds',
  async run(context) {
    const { harness } = context;
    const { driver, request } = harness;
    const { start } = await context.startedJob();
    const { job, seen } = await context.finishedJob();
    for (const state of [...(start.job ? [start.job] : []), ...seen]) {
      const parsed = JobSchema.safeParse(state);
      check(
        parsed.success,
        `a job is not a valid neutral Job: ${parsed.error?.issues[0]?.path.join('.')} ${parsed.error?.issues[0]?.message}`,
      );
      check(state.provider === driver.provider, `a job names provider "${state.provider}"`);
      check(state.raw !== undefined, 'a job has no raw payload');
      check(state.handle.id === start.handle.id, 'the job handle changed between start and status');
      const derived = deriveJobStatus(state.targets.map((target) => target.status));
      check(
        state.status === derived,
        `job status "${state.status}" does not follow its targets ("${derived}")`,
      );
      const stems = state.targets.map((target) => target.stem).sort();
      check(
        JSON.stringify(stems) === JSON.stringify([...request.stems].sort()),
        `targets ${JSON.stringify(stems)} are not the stems asked for ${JSON.stringify(request.stems)}`,
      );
    }
    check(job.status === 'succeeded', `the conformance job ended "${job.status}", expected "succeeded"`);
    for (const target of job.targets) {
      check(target.status === 'succeeded', `target ${target.stem} ended "${target.status}"`);
      check(target.outputs.length > 0, `succeeded target ${target.stem} has no outputs`);
      for (const output of target.outputs) {
        check(output.provider === driver.provider, `output ${output.id} names provider "${output.provider}"`);
        check(output.raw !== undefined, `output ${output.id} has no raw payload`);
      }
    }
  },
};

const capabilityHonourCheck: ConformanceCheck = {
  name: 'honours its declarations: outputs in the format asked for, and every optional method works',
  async run(context) {
    const { harness } = context;
    const { driver, request } = harness;
    const { job } = await context.finishedJob();
    check(job.status === 'succeeded', `the conformance job ended "${job.status}"`);
    for (const target of job.targets) {
      const stems = target.outputs.filter((output) => output.role === 'stem');
      check(stems.length > 0, `target ${target.stem} has no output with role "stem"`);
      for (const output of stems) {
        check(
          output.format === request.format,
          `target ${target.stem} delivered "${output.format}", asked for "${request.format}"`,
        );
        check(
          output.mimeType === undefined ||
            output.mimeType === mimeTypeOf(request.format) ||
            mimeTypeOf(request.format) === 'application/octet-stream',
          `output ${output.id} has MIME type ${output.mimeType} for format ${request.format}`,
        );
      }
    }
    const stems = request.stems.slice(0, 2);
    // Mix and zip in the conformance format when it is audio (the driver declared it), else wav.
    const audio = (AUDIO_FORMATS as readonly string[]).includes(request.format)
      ? (request.format as AudioFormat)
      : 'wav';
    if (driver.mix) {
      const mixed = await driver.mix(job.handle, {
        tracks: stems.map((stem) => ({ stem, volume: 1, pan: 0 })),
        name: 'conformance-mix',
        format: audio,
      });
      check(mixed.role === 'mix', `mix returned an asset with role "${mixed.role}"`);
      check(mixed.provider === driver.provider, 'mix returned an asset of another provider');
    }
    if (driver.zip) {
      const zipped = await driver.zip(job.handle, { stems, format: audio, name: 'conformance.zip' });
      check(zipped.role === 'archive', `zip returned an asset with role "${zipped.role}"`);
    }
    if (driver.list) {
      let found = false;
      let cursor: string | undefined;
      for (let page = 0; page < 20 && !found; page++) {
        const result = await driver.list({ cursor, pageSize: 50 });
        found = result.jobs.some((each) => each.id === job.id);
        cursor = result.nextCursor;
        if (cursor === undefined) break;
      }
      check(found, `list never returned the conformance job ${job.id}`);
    }
    if (driver.usage) {
      // One shape on every driver: months (YYYY-MM, oldest first) of targets and minutes.
      const usage = UsageSchema.safeParse(await driver.usage());
      check(usage.success, `usage is not the neutral Usage: ${usage.error?.issues[0]?.message}`);
      check(usage.data.provider === driver.provider, `usage names provider "${usage.data.provider}"`);
      const months = usage.data.months.map((month) => month.month);
      check(
        months.every((month) => /^\d{4}-\d{2}$/.test(month)) && [...months].sort().join() === months.join(),
        `usage months must be YYYY-MM, oldest first (got ${months.join(', ')})`,
      );
    }
    if (driver.cancel) {
      const { source } = await context.startedJob();
      const second = await driver.start({
        source: { asset: source },
        targets: [{ stem: request.stems[0] as string, formats: [request.format] }],
      });
      await driver.cancel(second.handle);
      const states = await context.pollUntilTerminal(driver, second.handle);
      const final = states.at(-1);
      check(final !== undefined, 'no status after cancel');
      check(final.status !== 'failed', 'canceling a job made it fail');
    }
  },
};

const handleCheck: ConformanceCheck = {
  name: 'returns a JSON-serialisable handle that resumes the job after a round trip',
  async run(context) {
    const { driver } = context.harness;
    const { start } = await context.startedJob();
    const handle = start.handle;
    const parsed = JobHandleSchema.safeParse(handle);
    check(parsed.success, `the handle is not a valid JobHandle: ${parsed.error?.issues[0]?.message}`);
    check(handle.provider === driver.provider, `the handle names provider "${handle.provider}"`);
    const text = JSON.stringify(handle);
    const revived = JSON.parse(text);
    check(JSON.stringify(revived) === text, 'the handle does not survive JSON');
    const fromToken = readHandle(handleToToken(revived));
    check(canonical(fromToken) === canonical(revived), 'the handle does not survive a token round trip');
    if (driver.capabilities.jobs === 'ephemeral') {
      // Nothing is kept at the provider: another process (a fresh driver) must say so at once, never hang.
      check(
        context.harness.freshDriver !== undefined,
        "an ephemeral driver's harness must give freshDriver()",
      );
      const elsewhere = context.harness.freshDriver!();
      const error = await within(
        rejection(elsewhere.status(revived), 'status of an ephemeral handle in another process'),
        context.options.abortGraceMs,
        'status of an ephemeral handle in another process',
      );
      check(
        NotFoundError.isInstance(error),
        `status of an ephemeral handle in another process failed with ${describeError(error)}, expected NotFoundError`,
      );
    }
    const { job } = await driver.status(revived);
    check(job.handle.id === handle.id, 'status of the revived handle returned another job');
    const { job: again } = await driver.status(JSON.parse(JSON.stringify(job.handle)));
    check(again.id === job.id, "the job's own handle does not resume it");
  },
};

/** JSON with sorted keys, so equal values compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, each: unknown) =>
    each && typeof each === 'object' && !Array.isArray(each)
      ? Object.fromEntries(Object.entries(each).sort(([left], [right]) => left.localeCompare(right)))
      : each,
  );
}

async function expectMapped(
  context: ConformanceContext,
  status: InjectedStatus,
  accept: (error: unknown) => boolean,
  expected: string,
): Promise<void> {
  const { harness } = context;
  const { start } = await context.startedJob();
  harness.failNextRequests(status, 50);
  try {
    const error = await rejection(harness.driver.status(start.handle), `status() answered ${status}`);
    check(
      StemkitError.isInstance(error),
      `HTTP ${status} surfaced as ${describeError(error)}, not a StemkitError`,
    );
    check(accept(error), `HTTP ${status} became ${describeError(error)}, expected ${expected}`);
    const serialised = JSON.stringify(error);
    check(!/bearer\s+[\w.-]{6,}/i.test(serialised), `the serialised ${status} error carries a bearer token`);
  } finally {
    harness.failNextRequests(status, 0);
  }
}

const statusOf = (error: unknown) => (ProviderError.isInstance(error) ? error.status : undefined);

const authErrorCheck: ConformanceCheck = {
  name: 'maps 401 and 403, and bad credentials, to AuthenticationError',
  async run(context) {
    await expectMapped(context, 401, (error) => AuthenticationError.isInstance(error), 'AuthenticationError');
    await expectMapped(context, 403, (error) => AuthenticationError.isInstance(error), 'AuthenticationError');
    const { start } = await context.startedJob();
    const error = await rejection(
      context.harness.driverWithBadCredentials().status(start.handle),
      'status() with bad credentials',
    );
    check(AuthenticationError.isInstance(error), `bad credentials became ${describeError(error)}`);
  },
};

const credentialCheck: ConformanceCheck = {
  name: 'verifyCredentials, where the driver has it: resolves, refuses bad credentials with AuthenticationError, and a refused client sends no file',
  async run({ harness }) {
    const { driver } = harness;
    // Optional: a driver whose upload learns of a refusal before sending the file has no need of it.
    if (!driver.verifyCredentials) return;
    await driver.verifyCredentials();
    const bad = harness.driverWithBadCredentials();
    check(typeof bad.verifyCredentials === 'function', 'driverWithBadCredentials() has no verifyCredentials');
    const refused = await rejection(bad.verifyCredentials!(), 'verifyCredentials() with bad credentials');
    check(
      AuthenticationError.isInstance(refused),
      `verifyCredentials() refused with ${describeError(refused)}`,
    );
    const sample = harness.sampleAudio();
    const watch = watchRequestBodies(sample.bytes.slice(Math.max(0, sample.bytes.byteLength - 48)));
    let sent = false;
    void watch.seen.then(() => {
      sent = true;
    });
    try {
      const stemkit = createStemkit({ driver: bad });
      for (const attempt of ['first', 'second']) {
        const error = await rejection(
          stemkit.upload(sample.bytes, { name: sample.name }),
          `the ${attempt} upload() with bad credentials`,
        );
        check(
          AuthenticationError.isInstance(error),
          `the ${attempt} upload failed with ${describeError(error)}`,
        );
      }
      check(!sent, 'a client with bad credentials sent the file before learning they were refused');
    } finally {
      watch.stop();
    }
  },
};

const notFoundCheck: ConformanceCheck = {
  name: 'maps 404 to NotFoundError',
  run: (context) => expectMapped(context, 404, (error) => NotFoundError.isInstance(error), 'NotFoundError'),
};

const unprocessableCheck: ConformanceCheck = {
  name: 'maps 422 to InvalidArgumentError or a ProviderError with status 422',
  run: (context) =>
    expectMapped(
      context,
      422,
      (error) => InvalidArgumentError.isInstance(error) || statusOf(error) === 422,
      'InvalidArgumentError or ProviderError(422)',
    ),
};

const rateLimitCheck: ConformanceCheck = {
  name: 'maps 429 to RateLimitError',
  run: (context) => expectMapped(context, 429, (error) => RateLimitError.isInstance(error), 'RateLimitError'),
};

const serverErrorCheck: ConformanceCheck = {
  name: 'maps 500 and 503 to ProviderError carrying the status',
  async run(context) {
    for (const status of [500, 503] as const) {
      await expectMapped(
        context,
        status,
        (error) => statusOf(error) === status && !AuthenticationError.isInstance(error),
        `ProviderError(${status})`,
      );
    }
  },
};

const networkCheck: ConformanceCheck = {
  name: 'maps an unreachable host to ConnectionError',
  async run(context) {
    const { start } = await context.startedJob();
    const error = await rejection(
      context.harness.driverForUnreachableHost().status(start.handle),
      'status() on an unreachable host',
    );
    check(ConnectionError.isInstance(error), `an unreachable host became ${describeError(error)}`);
  },
};

const abortCheck: ConformanceCheck = {
  name: 'rejects with the AbortError, untouched, when the signal aborts (before a call and mid-upload)',
  async run(context) {
    const { harness, options } = context;
    const { start } = await context.startedJob();
    const aborted = new AbortController();
    aborted.abort();
    const before = await within(
      rejection(
        harness.driver.status(start.handle, { signal: aborted.signal }),
        'status() with an aborted signal',
      ),
      options.abortGraceMs,
      'status() with an aborted signal',
    );
    check(isAbortError(before), `an aborted status() rejected with ${describeError(before)}`);

    const sample = harness.sampleAudio();
    const [head] = splitBytes(sample.bytes, 4);
    const controller = new AbortController();
    let pulled = false;
    // A source that sends its first piece and then stalls, like a slow disk or network.
    const body = new ReadableStream<Uint8Array>({
      pull(stream) {
        if (pulled) return new Promise<void>(() => undefined);
        pulled = true;
        stream.enqueue(head as Uint8Array);
        return undefined;
      },
    });
    const upload = harness.driver.upload(
      { body, name: sample.name, size: sample.bytes.byteLength, contentType: sample.contentType },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    const during = await within(
      rejection(upload, 'an aborted upload'),
      options.abortGraceMs,
      'an aborted upload',
    );
    check(isAbortError(during), `an aborted upload rejected with ${describeError(during)}`);
  },
};

const linkRefreshCheck: ConformanceCheck = {
  name: 'serves outputs through links without credentials, and a fresh link after one expired',
  async run(context) {
    const { harness } = context;
    const { job } = await context.finishedJob();
    const output = job.targets.flatMap((target) => target.outputs)[0];
    check(output !== undefined, 'the conformance job has no output');
    const transport = harness.driver.fetch ?? globalThis.fetch;
    const first = await context.readyLink(output);
    check(/^https?:\/\//.test(first.url), `link() returned "${first.url}", not an http(s) URL`);
    const headers = new Headers(first.headers);
    check(!headers.has('authorization'), 'link() asks for the provider credential on the storage host');
    harness.expireNextLink();
    const stale = await transport(first.url, { method: first.method ?? 'GET', headers });
    await stale.body?.cancel();
    check(
      stale.status === 403,
      `the harness's expireNextLink() had no effect (storage answered ${stale.status})`,
    );
    const fresh = await context.readyLink(output);
    const response = await transport(fresh.url, { method: fresh.method ?? 'GET', headers: fresh.headers });
    const bytes = new Uint8Array(await response.arrayBuffer());
    check(response.ok, `a refreshed link answered ${response.status}`);
    check(bytes.byteLength > 0, 'a refreshed link served no bytes');
  },
};

const credentialGuardCheck: ConformanceCheck = {
  name: 'never sends the provider credential to a storage host',
  async run(context) {
    const { harness } = context;
    // Exercise every path that touches storage: an upload, a finished job, a download.
    const { job } = await context.finishedJob();
    const output = job.targets.flatMap((target) => target.outputs)[0];
    if (output) {
      const link = await context.readyLink(output);
      const transport = harness.driver.fetch ?? globalThis.fetch;
      const response = await transport(link.url, { method: link.method ?? 'GET', headers: link.headers });
      await response.body?.cancel();
    }
    const leaks = context.credentialLeaks();
    check(leaks.length === 0, `the credential left for another host: ${leaks.join('; ')}`);
  },
};

const redirectCheck: ConformanceCheck = {
  name: 'never follows an API redirect to another origin with the provider credential',
  async run(context) {
    const { harness } = context;
    const { start } = await context.startedJob();
    const redirectNext = harness.driver.fetch && redirectSwitches.get(harness.driver.fetch);
    check(
      redirectNext !== undefined,
      "the driver's `fetch` is not a createFaultyFetch one: pass the faulty fetch to the driver",
    );
    const trap = await startRedirectTrap();
    try {
      // The status request answers 302 to another loopback port; fetch would carry any header there but
      // `Authorization`. The call may fail (it should) or follow without the credential; it must not leak.
      redirectNext(trap.redirectorOrigin);
      await harness.driver.status(start.handle).catch(() => undefined);
      check(
        trap.redirected() > 0,
        "status() sent no request through the harness's fetch: build the harness's driver on createFaultyFetch",
      );
      const leaks = trap.credentialsSeen();
      check(leaks.length === 0, `the credential followed a redirect to another origin: ${leaks.join('; ')}`);
    } finally {
      redirectNext(undefined);
      await trap.close();
    }
  },
};

const signedCallbackCheck: ConformanceCheck = {
  name: 'verifies signed callbacks: a genuine one accepted, a forged, tampered, replayed or re-serialised one refused',
  async run({ harness }) {
    const { driver } = harness;
    // Drivers that do not sign-check callbacks declare so; this check holds them to the declaration.
    if (driver.capabilities.signedCallbacks !== true) return;
    check(
      typeof driver.parseCallback === 'function',
      'signedCallbacks is declared but there is no parseCallback',
    );
    check(
      harness.signCallback !== undefined,
      'signedCallbacks is declared but the harness has no signCallback',
    );
    const parse = driver.parseCallback!.bind(driver);
    const jobId = 'conformance-signed-job';
    const now = Math.floor(Date.now() / 1000);
    const genuine = await harness.signCallback!(jobId, now);
    const parsed = (rawBody: string) => JSON.parse(rawBody) as unknown;
    const hint = await parse({
      headers: genuine.headers,
      body: parsed(genuine.rawBody),
      rawBody: genuine.rawBody,
    });
    check(
      hint.handle.id === jobId,
      `a genuine signed callback named job "${hint.handle.id}", not "${jobId}"`,
    );
    const refusedAs = async (what: string, request: Parameters<typeof parse>[0]) => {
      const outcome = await Promise.resolve()
        .then(() => parse(request))
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      check(outcome !== undefined, `a ${what} callback was accepted`);
      check(
        InvalidArgumentError.isInstance(outcome),
        `a ${what} callback was refused with ${describeError(outcome)}, expected InvalidArgumentError`,
      );
    };
    // The same JSON with one more space: the bytes differ, so the signature must not hold.
    const tampered = genuine.rawBody.replace(/:/, ': ');
    await refusedAs('tampered', { headers: genuine.headers, body: parsed(tampered), rawBody: tampered });
    const old = await harness.signCallback!(jobId, now - 3_600);
    await refusedAs('replayed (an hour old)', {
      headers: old.headers,
      body: parsed(old.rawBody),
      rawBody: old.rawBody,
    });
    const unsigned = new Headers(genuine.headers);
    for (const name of ['webhook-signature', 'webhook-id', 'webhook-timestamp']) unsigned.delete(name);
    await refusedAs('forged (unsigned)', {
      headers: unsigned,
      body: parsed(genuine.rawBody),
      rawBody: genuine.rawBody,
    });
    await refusedAs('re-serialised (no raw body)', {
      headers: genuine.headers,
      body: parsed(genuine.rawBody),
    });
  },
};

/**
 * Every check of the driver conformance suite, in the order they run.
 *
 * @example
 * ```ts
 * const context = createConformanceContext(harness);
 * for (const each of conformanceChecks) await each.run(context);
 * ```
 */
export const conformanceChecks: readonly ConformanceCheck[] = [
  capabilitiesCheck,
  validateCheck,
  uploadStreamingCheck,
  inlineJobCheck,
  statusMappingCheck,
  capabilityHonourCheck,
  handleCheck,
  authErrorCheck,
  credentialCheck,
  notFoundCheck,
  unprocessableCheck,
  rateLimitCheck,
  serverErrorCheck,
  networkCheck,
  abortCheck,
  linkRefreshCheck,
  credentialGuardCheck,
  redirectCheck,
  signedCallbackCheck,
  idempotentStartCheck,
  batchedStatusCheck,
];

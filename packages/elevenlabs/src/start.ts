import {
  type Asset,
  type DriverCallOptions,
  InvalidArgumentError,
  type Job,
  type LocalStore,
  multipartFile,
  type StartRequest,
  type StartResult,
  type StemName,
} from '@stemkit/core/driver';
import { Unzip, UnzipInflate } from 'fflate';
import type { ElevenLabsApi } from './api.ts';
import { planSeparation, type SeparationPlan } from './catalog.ts';
import type { EphemeralJobs } from './handle.ts';
import { archiveAsset, neutralFormat, stemAsset, stemOfEntry } from './to-neutral.ts';

/**
 * The one call: the upload stream goes into `POST /v1/music/stem-separation` as multipart, the ZIP answer is
 * streamed — kept whole in the local store as the `archive` output while fflate's streaming `Unzip` writes each
 * stem entry there too — so no ZIP or stem is ever held in memory. The job is finished when this returns.
 */
export async function start(
  api: ElevenLabsApi,
  jobs: EphemeralJobs,
  request: StartRequest,
  options: DriverCallOptions = {},
): Promise<StartResult> {
  if (!('upload' in request.source)) {
    throw new InvalidArgumentError(
      'source',
      'must be an inline upload: elevenlabs takes the audio in its one call',
    );
  }
  const store = options.localStore;
  if (!store)
    throw new InvalidArgumentError('localStore', 'is needed: elevenlabs answers with bytes, not links');
  const plan = planSeparation(request);
  const { upload } = request.source;
  const signWithC2pa = plan.signWithC2pa ?? api.options.signWithC2pa;
  const multipart = multipartFile({
    field: 'file',
    fileName: upload.name,
    contentType: upload.contentType,
    body: upload.body,
    size: upload.size,
    fields: {
      stem_variation_id: plan.variation,
      ...(signWithC2pa === undefined ? {} : { sign_with_c2pa: String(signWithC2pa) }),
    },
  });
  const response = await api.http.call({
    method: 'POST',
    path: 'v1/music/stem-separation',
    searchParams: { output_format: plan.outputFormat },
    body: multipart.body,
    headers: {
      'content-type': multipart.contentType,
      ...(multipart.length === undefined ? {} : { 'content-length': String(multipart.length) }),
    },
    responseType: 'stream',
    timeoutMs: api.timeoutMs,
    what: 'separate stems',
    signal: options.signal,
  });
  const id = crypto.randomUUID();
  const outputs = await unpack(store, id, response.data, request, plan, options.signal);
  const handle = api.context.handle(id, { data: { instance: api.instance } });
  const job = toJob(id, handle, request, plan, outputs, upload.name);
  jobs.remember(job);
  return { handle, job };
}

interface Unpacked {
  readonly stems: ReadonlyMap<StemName, Asset>;
  readonly archive: Asset;
  readonly entries: readonly string[];
}

/** Streams the ZIP into the store twice over: whole (the archive) and entry by entry (the stems asked for). */
async function unpack(
  store: LocalStore,
  id: string,
  zip: ReadableStream<Uint8Array>,
  request: StartRequest,
  plan: SeparationPlan,
  signal: AbortSignal | undefined,
): Promise<Unpacked> {
  // Not `tee()`: its faster branch would let the slower one buffer without bound. Each chunk goes to both
  // writers, and the next is read only once both have taken theirs.
  const whole = pushStream();
  const archive = store.put(
    archiveAsset(`elevenlabs:${id}:stems.zip`, 'stems.zip', plan.outputFormat),
    whole.stream,
    { signal },
  );
  const wanted = new Map(request.targets.map((target) => [target.stem, target.formats[0] as string]));
  const stems = new Map<StemName, Promise<Asset>>();
  const names: string[] = [];
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  let failure: unknown;
  let current: PushStream | undefined;
  unzip.onfile = (file) => {
    names.push(file.name);
    const stem = stemOfEntry(file.name);
    if (stem === undefined || !wanted.has(stem) || stems.has(stem)) return;
    const entry = pushStream();
    current = entry;
    file.ondata = (error, chunk, final) => {
      if (error) {
        failure = error;
        entry.error(error);
        return;
      }
      if (chunk.byteLength > 0) entry.push(chunk);
      if (final) entry.close();
    };
    const format = neutralFormat(wanted.get(stem) as string, plan.outputFormat);
    const asset = stemAsset(`elevenlabs:${id}:${stem}`, file.name, stem, format, plan.outputFormat);
    const kept = store.put(asset, entry.stream, { signal });
    // A refused entry (the store full) ends the job below; meanwhile it must not stall the loop.
    kept.catch(() => entry.abandon());
    stems.set(stem, kept);
    file.start();
  };
  archive.catch(() => whole.abandon());
  const reader = zip.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!done) whole.push(value);
      unzip.push(value ?? new Uint8Array(0), done);
      if (done) whole.close();
      if (done || failure) break;
      await Promise.all([whole.ready(), current?.ready()]);
    }
  } finally {
    reader.releaseLock();
  }
  if (failure) throw failure;
  const kept = new Map<StemName, Asset>();
  for (const [stem, asset] of stems) kept.set(stem, await asset);
  return { stems: kept, archive: await archive, entries: names };
}

interface PushStream {
  readonly stream: ReadableStream<Uint8Array>;
  push(chunk: Uint8Array): void;
  close(): void;
  error(reason: unknown): void;
  /** Resolves once the reader has taken what was pushed (or went away). */
  ready(): Promise<void>;
  /** Stops waiting on a reader that failed. */
  abandon(): void;
}

/** A stream fed by pushes, with a `ready()` that waits until its reader has room: backpressure for fflate. */
function pushStream(): PushStream {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let wake: (() => void) | undefined;
  let gone = false;
  const release = () => {
    wake?.();
    wake = undefined;
  };
  const stream = new ReadableStream<Uint8Array>({
    start(each) {
      controller = each;
    },
    pull: release,
    cancel() {
      gone = true;
      release();
    },
  });
  const live = (action: () => void) => {
    if (!gone) action();
  };
  return {
    stream,
    push: (chunk) => live(() => controller.enqueue(chunk)),
    // A closed stream's desiredSize stays 0: nothing more to wait for.
    close: () =>
      live(() => {
        controller.close();
        gone = true;
        release();
      }),
    error: (reason) => live(() => controller.error(reason)),
    async ready() {
      while (!gone && (controller.desiredSize ?? 0) <= 0 && controller.desiredSize !== null) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    abandon() {
      gone = true;
      release();
    },
  };
}

function toJob(
  id: string,
  handle: Job['handle'],
  request: StartRequest,
  plan: SeparationPlan,
  unpacked: Unpacked,
  sourceName: string,
): Job {
  const targets = request.targets.map((target, index) => {
    const output = unpacked.stems.get(target.stem);
    // The archive goes with the first target: the ZIP holds every stem of the call.
    const outputs = [...(output ? [output] : []), ...(index === 0 ? [unpacked.archive] : [])];
    return {
      id: `${id}:${index}`,
      stem: target.stem,
      formats: [...target.formats],
      status: output ? ('succeeded' as const) : ('failed' as const),
      outputs,
      ...(output
        ? {}
        : { error: { code: 'missing_entry', message: `the ZIP held no entry for "${target.stem}"` } }),
      raw: { entries: unpacked.entries },
    };
  });
  const succeeded = targets.filter((target) => target.status === 'succeeded').length;
  return {
    id,
    provider: 'elevenlabs',
    status: succeeded === targets.length ? 'succeeded' : succeeded === 0 ? 'failed' : 'partial',
    source: {
      id: `inline:${sourceName}`,
      name: sourceName,
      role: 'source',
      provider: 'elevenlabs',
      raw: null,
    },
    targets,
    warnings: [],
    metadata: request.metadata,
    handle,
    raw: { stemVariation: plan.variation, outputFormat: plan.outputFormat, entries: unpacked.entries },
  };
}

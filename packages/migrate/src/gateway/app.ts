import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { expandLegacyFormat, stemOfModel } from '@stemkit/audioshake';
import {
  createStemkit,
  type DriverCapabilities,
  type Failure,
  InvalidArgumentError,
  isTerminal,
  type Job,
  mimeTypeOf,
  UnsupportedCapabilityError,
} from '@stemkit/core';
import type { SourceReference, TargetRequest } from '@stemkit/core/driver';
import { type Context, Hono } from 'hono';
import * as z from 'zod/mini';
import { readJsonBody } from './body.ts';
import { deliverCallback } from './callbacks.ts';
import { answerRange, attachmentDisposition, sliceStream } from './downloads.ts';
import { backendErrorToHttp, GatewayHttpError, legacyErrorBody } from './errors.ts';
import { legacyStyleId } from './ids.ts';
import { legacyAssetJson, legacyJobJson, legacyOutputsOf, legacyStatusOf } from './legacy-shape.ts';
import {
  capped,
  DEFAULT_LINK_TIMEOUT_MS,
  DEFAULT_MAX_UPLOAD_BYTES,
  MULTIPART_ENVELOPE_BYTES,
  positiveWholeNumber,
  tooLarge,
} from './limits.ts';
import { LinkSigner } from './links.ts';
import { streamMultipartFile } from './multipart.ts';
import type { GatewayOptions } from './options.ts';
import { createOutbound } from './outbound.ts';
import {
  type GatewayAsset,
  type GatewayJob,
  isFinalStatus,
  type LegacyStatus,
  memoryGatewayStore,
} from './store.ts';

/** A name that becomes part of output file names: a model or a variant. */
const ModelNameSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and - only (at most 64)'));

/** A file name a client gives: any text but control characters. */
const FileNameSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[^\p{Cc}]*$/u, 'must not hold control characters'));

/** Where a callback may go: an http(s) URL (never `javascript:`, `file:`…). */
const CallbackUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const LinkBodySchema = z.object({ link: z.string().check(z.minLength(1)), name: z.optional(FileNameSchema) });

const MetadataSchema = z.looseObject({
  name: z.optional(ModelNameSchema),
  stemName: z.optional(ModelNameSchema),
  format: z.optional(z.string()),
  residual: z.optional(z.boolean()),
  variant: z.optional(ModelNameSchema),
  language: z.optional(z.string()),
  customProperty: z.optional(z.string()),
});

const JobBodySchema = z.object({
  assetId: z.string().check(z.minLength(8), z.maxLength(30)),
  metadata: z.optional(MetadataSchema),
  stemMetadata: z.optional(MetadataSchema),
  callbackUrl: z.optional(CallbackUrlSchema),
  otherSourceAssets: z.optional(
    z.array(z.object({ id: z.string(), type: z.string(), name: z.optional(z.string()) })),
  ),
});

/**
 * A running gateway: its Web-standard request handler, the hono app behind it, and `close()` to stop
 * following jobs for callbacks.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ driver, token });
 * const response = await gateway.fetch(new Request('http://gateway.test/job/', { headers: { authorization: `Bearer ${token}` } }));
 * ```
 */
export interface Gateway {
  /** Answers one legacy API request; mount it on any server that speaks Web `Request`/`Response`. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** The hono app behind `fetch`, to mount under a path of a larger app. */
  readonly app: Hono;
  /** Stops following jobs for callbacks, waits for the followers to end and flushes the gateway's state. */
  close(): Promise<void>;
}

/**
 * The legacy job/asset API surface (`/upload`, `/upload/link`, `/upload/audio-link`, `/job`, `/job/:id`,
 * `/usage`, callbacks; see docs/providers/audioshake-legacy.md) served over any stemkit driver, so a legacy client pointed at it keeps
 * working while the work runs on the Tasks API or another provider.
 *
 * - Auth is `Authorization: Bearer <token>`; the backend's credentials stay in its driver.
 * - Uploads stream through to the backend; `/upload/link` becomes a URL source where the backend takes one.
 * - One legacy job (one model) is one backend job with one target; statuses map back (queued → created,
 *   running → processing, succeeded → completed, failed → failed with `statusInfo`).
 * - Outputs are `outputAssets` named `<model>.<ext>`, with signed gateway links that stream the backend file
 *   (`/download/<token>`), so storage of any backend works; links expire and are refreshed by `GET /job/:id`.
 * - A job asking for what the backend cannot do (transcription on Sourcere…) is created `failed` with
 *   `statusInfo: { code: 501, message }`, the shape legacy clients already handle.
 * - With a `callbackUrl`, the gateway follows the backend job and POSTs `{ job }` on each status change.
 * - Links it fetches and callbacks it sends reach public addresses only, unless `allowPrivateNetwork` or
 *   `allowHosts` say otherwise; every refusal or failure of a link is the same 400.
 * - Ids live in its `store` (memory by default; {@link fileGatewayStore} keeps them across restarts).
 *
 * @example
 * ```ts
 * import { audioshakeTasks } from '@stemkit/audioshake';
 *
 * const gateway = createGateway({ driver: audioshakeTasks({ apiKey }), token: process.env.GATEWAY_TOKEN! });
 * // serve gateway.fetch with any Web-standard server, or use startGateway on Node
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { driver } = options;
  const client = createStemkit({ driver, wait: options.wait ?? { initialDelayMs: 500, maxDelayMs: 5_000 } });
  if (options.linkSecret !== undefined && options.linkSecret.length < 32) {
    throw new RangeError('linkSecret must be at least 32 characters');
  }
  const maxUploadBytes = positiveWholeNumber(
    options.maxUploadBytes,
    'maxUploadBytes',
    driver.capabilities.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
  );
  const linkTimeoutMs = positiveWholeNumber(options.linkTimeoutMs, 'linkTimeoutMs', DEFAULT_LINK_TIMEOUT_MS);
  const store = options.store ?? memoryGatewayStore();
  const loaded = store.open();
  loaded.catch(() => undefined);
  const signer = new LinkSigner(options.linkSecret);
  const clientId = options.clientId ?? 'stemkit-gateway';
  const lifetime = options.linkLifetimeSeconds ?? 3_600;
  const outbound = createOutbound(options);
  const closing = new AbortController();
  const watchers = new Set<Promise<void>>();
  /** The jobs this gateway follows for their callbacks. */
  const followed = new Set<string>();
  const expectedAuthorization = Buffer.from(`Bearer ${options.token}`);

  const app = new Hono();
  // Nothing is answered before the store is open (a state file read back).
  app.use(async (_hono, next) => {
    await loaded;
    await next();
  });
  app.onError((error, hono) => {
    const http = backendErrorToHttp(error);
    return hono.json(legacyErrorBody(http.status, http.message), http.status as 400, http.headers);
  });
  app.notFound((hono) => hono.json(legacyErrorBody(404, 'No legacy route at this path'), 404));

  const baseOf = (hono: Context) => (options.publicUrl ?? new URL(hono.req.url).origin).replace(/\/+$/, '');

  // Links work without credentials, as legacy links do: the signature is the authorisation.
  app.get('/download/:token', async (hono) => {
    const verdict = signer.verify(hono.req.param('token'));
    if (verdict === 'expired')
      throw new GatewayHttpError(403, 'The link has expired: GET the job again for a fresh one');
    if (verdict === 'invalid') throw new GatewayHttpError(403, 'The link is not valid');
    const record = await store.getJob(verdict.jobId);
    if (!record?.handle) throw new GatewayHttpError(404, 'No such output');
    const job = await client.get(record.handle, { signal: hono.req.raw.signal });
    const output = legacyOutputsOf(record.metadata, job.targets[0]).find(
      (each) => each.name === verdict.outputName,
    );
    if (!output) throw new GatewayHttpError(404, 'No such output');
    const download = await client.download(output.asset, { job: record.handle, signal: hono.req.raw.signal });
    const headers: Record<string, string> = {
      'content-type': output.asset.mimeType ?? mimeTypeOf(output.format),
      'content-disposition': attachmentDisposition(output.name, output.format),
      // As the storage hosts these links stand for: a known length can be read in parts.
      ...(download.size === undefined ? {} : { 'accept-ranges': 'bytes' }),
    };
    const range = answerRange(hono.req.header('range'), download.size);
    if (range.kind === 'unsatisfiable') {
      await download.body.cancel();
      return new Response(null, {
        status: 416,
        headers: { ...headers, 'content-range': `bytes */${download.size}` },
      });
    }
    if (range.kind === 'part') {
      return new Response(sliceStream(download.body, range.start, range.end), {
        status: 206,
        headers: {
          ...headers,
          'content-range': `bytes ${range.start}-${range.end}/${download.size}`,
          'content-length': String(range.end - range.start + 1),
        },
      });
    }
    return new Response(download.body, {
      headers: {
        ...headers,
        ...(download.size === undefined ? {} : { 'content-length': String(download.size) }),
      },
    });
  });

  app.use(async (hono, next) => {
    const given = Buffer.from(hono.req.header('authorization') ?? '');
    if (given.length !== expectedAuthorization.length || !timingSafeEqual(given, expectedAuthorization)) {
      throw new GatewayHttpError(401, 'Missing or invalid token: send Authorization: Bearer <token>');
    }
    await next();
  });

  const register = async (asset: Omit<GatewayAsset, 'id' | 'createdAt'>): Promise<GatewayAsset> => {
    const stored = { ...asset, id: legacyStyleId(), createdAt: new Date().toISOString() };
    await store.putAsset(stored);
    return stored;
  };
  // A link the client gave is echoed back; a backend asset's link is the backend's signed storage URL, its
  // own business: never handed out.
  const assetLink = (asset: GatewayAsset) => ('url' in asset.source ? asset.source.url : undefined);

  const upload = async (hono: Context) => {
    // A declared length past the limit (and the form's own few parts) is refused before a byte is read.
    if (Number(hono.req.header('content-length')) > maxUploadBytes + MULTIPART_ENVELOPE_BYTES)
      throw tooLarge('file', maxUploadBytes);
    const asset = await streamMultipartFile(hono.req.raw, async (file) => {
      const contentType = file.contentType === 'application/octet-stream' ? undefined : file.contentType;
      const bounded = capped(file.body, maxUploadBytes, 'file');
      const uploaded = await driver
        .upload(
          { body: bounded.body, name: file.name, ...(contentType ? { contentType } : {}) },
          { signal: hono.req.raw.signal },
        )
        .catch((error: unknown) => {
          throw bounded.exceeded() ? tooLarge('file', maxUploadBytes) : error;
        });
      const format = uploaded.format ?? extensionOf(file.name) ?? 'bin';
      return await register({
        name: file.name,
        format,
        fileType: contentType ?? uploaded.mimeType ?? mimeTypeOf(format),
        source: { asset: uploaded },
      });
    });
    return hono.json(legacyAssetJson(asset, assetLink(asset)));
  };
  app.post('/upload', upload);
  app.post('/upload/', upload);

  const uploadLink = async (hono: Context) => {
    const body = z.safeParse(LinkBodySchema, await readJsonBody(hono.req.raw));
    if (!body.success) throw new GatewayHttpError(400, 'link: a URL is required');
    let url: URL;
    try {
      url = new URL(body.data.link);
    } catch {
      throw new GatewayHttpError(400, 'link: not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new GatewayHttpError(400, 'link: only http(s) links are fetched');
    const name = body.data.name ?? nameOfLink(url);
    const format = extensionOf(name) ?? 'bin';
    // Refused, unresolvable, silent or answering an error: one answer, so the gateway cannot map a network.
    const unreachable = () => new GatewayHttpError(400, 'link: the link could not be fetched');
    let source: SourceReference;
    if (driver.capabilities.urlInput) {
      // The backend fetches it; the gateway still refuses to name a private address to it.
      await outbound.check(url.href).catch(() => {
        throw unreachable();
      });
      source = { url: url.href };
    } else {
      // One deadline for the whole fetch, however slowly the link drips its bytes.
      const deadline = AbortSignal.timeout(linkTimeoutMs);
      const signal = AbortSignal.any([hono.req.raw.signal, deadline]);
      const response = await outbound.request(url.href, { signal }).catch(() => {
        throw unreachable();
      });
      if (response.status < 200 || response.status > 299) {
        response.body.destroy();
        throw unreachable();
      }
      const size = Number(response.headers['content-length']);
      if (size > maxUploadBytes) {
        response.body.destroy();
        throw tooLarge('link', maxUploadBytes);
      }
      // A link that breaks off mid-body fails the upload too: that is the link's failure, not the backend's.
      let broken = false;
      response.body.on('error', () => {
        broken = true;
      });
      const bounded = capped(
        Readable.toWeb(response.body) as ReadableStream<Uint8Array>,
        maxUploadBytes,
        'link',
      );
      const uploaded = await driver
        .upload({ body: bounded.body, name, ...(size > 0 ? { size } : {}) }, { signal })
        .catch((error: unknown) => {
          if (bounded.exceeded()) throw tooLarge('link', maxUploadBytes);
          throw broken || deadline.aborted ? unreachable() : error;
        })
        .finally(() => response.body.destroy());
      source = { asset: uploaded };
    }
    const asset = await register({ name, format, fileType: mimeTypeOf(format), source });
    return hono.json(legacyAssetJson(asset, assetLink(asset)));
  };
  app.post('/upload/link', uploadLink);
  app.post('/upload/audio-link', uploadLink);

  const jobBody = async (record: GatewayJob, job: Job | undefined, base: string) => {
    const source = await store.getAsset(record.assetId);
    const sourceLink = source ? assetLink(source) : undefined;
    return {
      job: legacyJobJson(
        record,
        job,
        source,
        {
          ...(sourceLink ? { source: sourceLink } : {}),
          output: (name) => `${base}/download/${signer.sign(record.id, name, lifetime)}`,
        },
        clientId,
      ),
    };
  };

  /** The legacy status a record and its backend job (when known) stand at. */
  const statusOf = (record: GatewayJob, job: Job | undefined): LegacyStatus =>
    record.failure ? 'failed' : legacyStatusOf(job?.targets[0]?.status ?? 'queued');

  /** Notes a status change on the record (startedAt, completedAt, updatedAt); true when the legacy status changed. */
  const observe = async (record: GatewayJob, job: Job | undefined): Promise<boolean> => {
    const status = statusOf(record, job);
    if (status === record.lastStatus) return false;
    const now = new Date().toISOString();
    record.lastStatus = status;
    record.updatedAt = now;
    if (status !== 'created') record.startedAt ??= now;
    if (status === 'completed') record.completedAt ??= now;
    await store.putJob(record);
    return true;
  };

  /**
   * Sends the callback of the status the job stands at, if this gateway is the one to: the store grants each
   * status to one claimant only, whichever gateway (follower or poll) saw it first.
   */
  const announce = async (record: GatewayJob, job: Job | undefined, base: string): Promise<void> => {
    if (!record.callbackUrl || closing.signal.aborted) return;
    if (!(await store.claimCallback(record.id, statusOf(record, job)))) return;
    await deliverCallback(record.callbackUrl, await jobBody(record, job, base), outbound, closing.signal);
  };

  /** Runs work the gateway's close() waits for. */
  const track = (work: Promise<unknown>): void => {
    const watcher = work.then(
      () => undefined,
      () => undefined,
    );
    watchers.add(watcher);
    watcher.finally(() => watchers.delete(watcher));
  };

  const createJob = async (hono: Context) => {
    const parsed = z.safeParse(JobBodySchema, await readJsonBody(hono.req.raw));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatewayHttpError(400, `${issue?.path.join('.') || 'body'}: ${issue?.message}`);
    }
    const body = parsed.data;
    const requested = body.metadata ?? body.stemMetadata;
    const name = requested?.name ?? requested?.stemName;
    if (!requested || !name || !requested.format)
      throw new GatewayHttpError(400, 'metadata: name and format are required');
    const metadata = { ...requested, name };
    delete metadata.stemName;
    const asset = await store.getAsset(body.assetId);
    if (!asset) throw new GatewayHttpError(404, 'No asset with this assetId');
    const transcriptId = body.otherSourceAssets?.find((other) => other.type === 'transcription')?.id;
    const transcript = transcriptId === undefined ? undefined : await store.getAsset(transcriptId);
    if (transcriptId !== undefined && !transcript)
      throw new GatewayHttpError(404, `No asset with the id ${transcriptId}`);
    const target: TargetRequest = {
      stem: stemOfModel(name),
      formats: expandLegacyFormat(requested.format),
      ...(requested.residual === undefined ? {} : { residual: requested.residual }),
      ...(requested.variant === undefined ? {} : { variant: requested.variant }),
      ...(requested.language === undefined || requested.language === 'auto'
        ? {}
        : { language: requested.language }),
      ...(transcript ? { transcript: transcript.source } : {}),
    };
    const now = new Date().toISOString();
    let failure: Failure | undefined = refusal(driver.provider, driver.capabilities, target);
    let started: Awaited<ReturnType<typeof driver.start>> | undefined;
    if (!failure) {
      try {
        started = await driver.start(
          {
            source: asset.source,
            targets: [target],
            ...(requested.customProperty === undefined ? {} : { metadata: requested.customProperty }),
          },
          { signal: hono.req.raw.signal },
        );
      } catch (error) {
        if (!InvalidArgumentError.isInstance(error) && !UnsupportedCapabilityError.isInstance(error))
          throw error;
        failure = {
          code: 501,
          message: `The ${driver.provider} backend cannot run this job: ${error.message}`,
        };
      }
    }
    const record: GatewayJob = {
      id: legacyStyleId(),
      assetId: asset.id,
      metadata,
      ...(body.callbackUrl ? { callbackUrl: body.callbackUrl } : {}),
      createdAt: now,
      updatedAt: now,
      ...(started ? { handle: started.handle } : {}),
      ...(failure ? { failure } : {}),
    };
    await store.putJob(record);
    await observe(record, started?.job);
    const base = baseOf(hono);
    if (record.callbackUrl) follow(record, base, started?.job, true);
    return hono.json(await jobBody(record, started?.job, base));
  };
  app.post('/job', createJob);
  app.post('/job/', createJob);

  // Undocumented: legacy clients ping it to validate a token.
  app.get('/job/', (hono) => hono.json({ message: 'Token is valid', clientId }));

  app.get('/job/:id', async (hono) => {
    const record = await store.getJob(hono.req.param('id'));
    if (!record) throw new GatewayHttpError(404, 'Job not found');
    const job = record.handle ? await client.get(record.handle, { signal: hono.req.raw.signal }) : undefined;
    await observe(record, job);
    const base = baseOf(hono);
    if (record.callbackUrl && (job || !record.handle)) {
      // What this poll saw is told to the callback once, by whoever claims it first: so a status seen here
      // while the job's follower is gone (its gateway killed) is still sent, and never marked sent unsent.
      track(announce(record, job, base));
      if (!isFinalStatus(statusOf(record, job)) && !followed.has(record.id)) {
        // A job whose follower has gone is taken over by the first gateway asked about it.
        track(store.claimFollowing(record.id).then((mine) => mine && follow(record, base, job)));
      }
    }
    return hono.json(await jobBody(record, job, base));
  });

  app.post('/usage', async (hono) => {
    const today = new Date();
    const monthStart = (back: number) =>
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1)).toISOString();
    // Minutes are the backend's own figures, where it reports usage (the Tasks and legacy APIs); a backend
    // without usage statistics (Sourcere) has none to give, and the month reads 0.
    const minutes = new Map<string, number>();
    if (client.capabilities.usage) {
      const backend = await client.usage({ signal: hono.req.raw.signal });
      for (const month of backend.months) minutes.set(month.month, month.minutes);
    }
    const usage = await Promise.all(
      [2, 1, 0].map(async (back) => {
        const month = monthStart(back).slice(0, 7);
        return {
          month,
          totalJobs: await store.countJobs(monthStart(back), monthStart(back - 1)),
          totalMinutes: minutes.get(month) ?? 0,
        };
      }),
    );
    return hono.json({ clientId, usage });
  });

  /**
   * Follows a job with a callback URL and sends the callback of every legacy status change, until it ends;
   * `known` is the backend job as last seen, when the caller has it; a job just made is announced `created`
   * first, as the legacy API does. A job is followed once per gateway.
   */
  function follow(record: GatewayJob, base: string, known?: Job, made = false): void {
    if (followed.has(record.id)) return;
    followed.add(record.id);
    const signal = closing.signal;
    const run = async () => {
      if (made || !record.handle) await announce(record, undefined, base);
      if (!record.handle) return;
      const first = known ?? (await client.get(record.handle, { signal }));
      await observe(record, first);
      await announce(record, first, base);
      let chain = Promise.resolve();
      const onProgress = (job: Job) => {
        chain = chain.then(async () => {
          await observe(record, job);
          await announce(record, job, base);
        });
      };
      await client.wait(record.handle, { signal, onProgress }).catch(() => undefined);
      await chain;
      if (signal.aborted) return;
      const final = await client.get(record.handle, { signal }).catch(() => undefined);
      if (final && isTerminal(final.status)) {
        await observe(record, final);
        await announce(record, final, base);
      }
    };
    track(run().finally(() => followed.delete(record.id)));
  }

  // Jobs reloaded from the state file that still owe their callback are followed again.
  loaded.then(
    async () => {
      if (!options.publicUrl) return;
      for (const record of await store.jobsOwingCallbacks()) {
        follow(record, options.publicUrl.replace(/\/+$/, ''));
      }
    },
    () => undefined,
  );

  return {
    app,
    fetch: async (request) => app.fetch(request),
    async close() {
      closing.abort();
      await Promise.all([...watchers]);
      await store.flush();
    },
  };
}

/** Why the backend cannot run a target, judged from its declared capabilities; `undefined` when it can. */
function refusal(
  provider: string,
  capabilities: DriverCapabilities,
  target: TargetRequest,
): Failure | undefined {
  const refuse = (what: string) => ({ code: 501, message: `The ${provider} backend cannot ${what}` });
  if (target.stem === 'transcription' && !capabilities.transcription) return refuse('transcribe');
  if (target.stem === 'alignment' && !capabilities.alignment) return refuse('align lyrics');
  if (capabilities.stems !== 'any' && !capabilities.stems.includes(target.stem))
    return refuse(`produce ${target.stem}`);
  const format = target.formats.find((each) => !capabilities.formats.includes(each));
  if (format) return refuse(`deliver ${format}`);
  if (target.residual && !capabilities.residual) return refuse('return a residual');
  if ((target.variant && !capabilities.variants) || (target.language && !capabilities.languages)) {
    return refuse(target.variant ? `run the ${target.variant} variant` : 'take a language');
  }
  return undefined;
}

/** The last path segment of a link, as a file name. */
function nameOfLink(url: URL): string {
  const segment = url.pathname.split('/').pop() || 'upload';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function extensionOf(name: string): string | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(name);
  return match?.[1]?.toLowerCase();
}

import {
  type Asset,
  createHttpClient,
  DRIVER_CONTRACT_VERSION,
  type DriverCapabilities,
  InvalidArgumentError,
  type JobHandle,
  registerSecret,
  type StemkitDriver,
  UploadError,
  verifyStandardWebhook,
  type Warning,
} from '@stemkit/core/driver';
import * as z from 'zod/mini';
import { assetOf, jobOf } from './mapping.ts';
import {
  CallbackPayload,
  FilePayload,
  JobListPayload,
  JobPayload,
  LinkPayload,
  MetadataPayload,
} from './payloads.ts';
import type { MockScript } from './script.ts';
import { createMockServer, MOCK_API_KEY, MOCK_API_URL, type MockServer } from './server.ts';

/**
 * Options of {@link createMockDriver}: a script for a fresh in-memory server, or a `server` to share, plus the
 * transport to reach it through.
 *
 * @example
 * ```ts
 * const server = createMockServer();
 * const options: MockDriverOptions = { server, retryLimit: 0, fetch: faulty.fetch };
 * ```
 */
export interface MockDriverOptions extends MockScript {
  /** The in-memory server to talk to (default: a new one following this script). */
  readonly server?: MockServer;
  /** The transport (default: the server's own `fetch`). Wrap it with `createFaultyFetch` for conformance. */
  readonly fetch?: typeof globalThis.fetch;
  /** The API key sent (default: the one the server accepts). */
  readonly apiKey?: string;
  /** The API base URL (default: the server's). */
  readonly baseUrl?: string;
  /** Transport retries of retryable calls (default 2). */
  readonly retryLimit?: number;
  /**
   * A Standard Webhooks secret (`whsec_…`): with it the driver declares `signedCallbacks` and `parseCallback`
   * verifies each callback's signature and timestamp.
   */
  readonly webhookSecret?: string;
}

/**
 * A driver for the in-memory mock provider, with its server at hand for scripting and inspection.
 *
 * @example
 * ```ts
 * const driver: MockDriver = createMockDriver();
 * driver.server.fault('upload', 'network');
 * ```
 */
export interface MockDriver extends StemkitDriver {
  /** The in-memory server behind the driver: queue faults, expire links, read the requests and uploads. */
  readonly server: MockServer;
}

/**
 * Creates a driver over an in-memory provider. It is a real driver — HTTP toolkit, lenient payload parsing,
 * status mapping, error mapping — so the client's tests and the conformance suite exercise the same paths a
 * provider driver takes, with scriptable behaviour and without a socket.
 *
 * @example
 * ```ts
 * const driver = createMockDriver({ statuses: ['queued', 'running', 'succeeded'], retryAfterMs: 500 });
 * const stemkit = createStemkit({ driver });
 * driver.server.fault('status', 503);
 * ```
 */
export function createMockDriver(options: MockDriverOptions = {}): MockDriver {
  const server = options.server ?? createMockServer(options);
  const provider = options.provider ?? 'mock';
  const apiKey = options.apiKey ?? MOCK_API_KEY;
  registerSecret(apiKey);
  const features = { mix: true, zip: true, list: true, cancel: true, callbacks: true, ...options.features };
  const http = createHttpClient({
    provider,
    baseUrl: options.baseUrl ?? MOCK_API_URL,
    fetch: options.fetch ?? server.fetch,
    authenticate: () => ({ authorization: `Bearer ${apiKey}` }),
    retryLimit: options.retryLimit ?? 2,
  });
  const capabilities: DriverCapabilities = {
    stems: ['vocals', 'instrumental', 'drums', 'bass', 'other'],
    formats: ['wav', 'mp3', 'flac'],
    maxTargets: 5,
    trial: false,
    residual: true,
    transcription: false,
    alignment: false,
    callbacks: features.callbacks ? 'per-job' : false,
    urlInput: false,
    variants: false,
    languages: false,
    convertOnDownload: true,
    ...(options.webhookSecret ? { signedCallbacks: true } : {}),
    ...options.capabilities,
  };
  const path = (handle: JobHandle, ...rest: string[]) =>
    ['jobs', encodeURIComponent(handle.id), ...rest].join('/');

  const required: MockDriver = {
    contract: DRIVER_CONTRACT_VERSION,
    provider,
    capabilities,
    fetch: http.fetch,
    server,

    async upload(request, callOptions) {
      const { data } = await http.call({
        method: 'POST',
        path: 'uploads',
        searchParams: { name: request.name, size: request.size },
        body: request.body,
        schema: FilePayload,
        what: 'upload',
        signal: callOptions?.signal,
        timeoutMs: false,
      });
      return assetOf({ ...data, role: 'source' }, provider);
    },

    async start(request, callOptions) {
      const warnings: Warning[] = [];
      if (request.priority !== undefined) {
        warnings.push({
          code: 'option-ignored',
          field: 'priority',
          message: 'the mock provider has no priority',
        });
      }
      const { data } = await http.call({
        method: 'POST',
        path: 'jobs',
        json: {
          source:
            'url' in request.source
              ? { url: request.source.url }
              : { assetId: 'asset' in request.source ? request.source.asset.id : undefined },
          targets: request.targets.map((target) => ({
            stem: target.stem,
            formats: target.formats,
            residual: target.residual,
          })),
          callbackUrl: request.callbackUrl,
          metadata: request.metadata,
          ...request.providerOptions,
        },
        schema: JobPayload,
        idempotent: false,
        what: 'start job',
        signal: callOptions?.signal,
      });
      const job = jobOf(data, provider);
      return { handle: job.handle, job, warnings };
    },

    async status(handle, callOptions) {
      const response = await http.call({
        method: 'GET',
        path: path(handle),
        schema: JobPayload,
        what: `get job ${handle.id}`,
        signal: callOptions?.signal,
      });
      return { job: jobOf(response.data, provider), retryAfterMs: response.retryAfterMs };
    },

    async link(handle, request, callOptions) {
      const response = await http.call({
        method: 'GET',
        path: path(handle, 'outputs', encodeURIComponent(request.asset.id), 'link'),
        searchParams: { format: request.format },
        schema: LinkPayload,
        what: `get a link to ${request.asset.id}`,
        signal: callOptions?.signal,
      });
      if (response.status === 202 || !response.data.url) {
        return { ready: false, retryAfterMs: response.retryAfterMs };
      }
      return { ready: true, url: response.data.url, expiresAt: response.data.expiresAt };
    },
  };

  const fileCall = async (
    handle: JobHandle,
    action: 'mix' | 'zip',
    json: unknown,
    signal?: AbortSignal,
  ): Promise<Asset> => {
    const { data } = await http.call({
      method: 'POST',
      path: path(handle, action),
      json,
      schema: FilePayload,
      idempotent: false,
      what: action,
      signal,
    });
    return assetOf(data, provider);
  };

  const optional: Pick<StemkitDriver, 'inspect' | 'mix' | 'zip' | 'list' | 'cancel' | 'parseCallback'> = {
    async inspect(asset, callOptions) {
      const response = await http.call({
        method: 'GET',
        path: ['uploads', encodeURIComponent(asset.id), 'metadata'].join('/'),
        schema: MetadataPayload,
        what: `read the metadata of ${asset.id}`,
        signal: callOptions?.signal,
      });
      if (response.status === 202) return { ready: false, retryAfterMs: response.retryAfterMs };
      const metadata = response.data;
      if (!metadata.decodable) {
        throw new UploadError(
          `${provider} could not decode ${asset.name}: ${metadata.message ?? 'not audio'}`,
          {
            provider,
          },
        );
      }
      const { durationSeconds, channels, sampleRate } = metadata;
      return { ready: true, asset: { ...asset, durationSeconds, channels, sampleRate } };
    },
    mix: (handle, request, callOptions) => fileCall(handle, 'mix', request, callOptions?.signal),
    zip: (handle, request, callOptions) => fileCall(handle, 'zip', request, callOptions?.signal),
    async list(request, callOptions) {
      const { data } = await http.call({
        method: 'GET',
        path: 'jobs',
        searchParams: { cursor: request.cursor, limit: request.pageSize },
        schema: JobListPayload,
        what: 'list jobs',
        signal: callOptions?.signal,
      });
      return { jobs: data.jobs.map((job) => jobOf(job, provider)), nextCursor: data.next ?? undefined };
    },
    async cancel(handle, callOptions) {
      await http.call({
        method: 'POST',
        path: path(handle, 'cancel'),
        idempotent: true,
        what: `cancel job ${handle.id}`,
        signal: callOptions?.signal,
      });
    },
    parseCallback(request) {
      const hintOf = () => {
        const parsed = z.safeParse(CallbackPayload, request.body);
        if (!parsed.success)
          throw new InvalidArgumentError('request.body', 'is not a mock provider callback');
        return {
          handle: { contract: DRIVER_CONTRACT_VERSION, provider, id: parsed.data.job.id },
          event: parsed.data.event,
        };
      };
      const { webhookSecret } = options;
      // Unsigned, the hint comes synchronously, as drivers wrote it before signatures.
      if (!webhookSecret) return hintOf();
      if (request.rawBody === undefined) {
        throw new InvalidArgumentError(
          'request.body',
          'must be the raw body: a signed callback is verified on its bytes',
        );
      }
      return verifyStandardWebhook(
        { headers: request.headers, rawBody: request.rawBody },
        { secret: webhookSecret },
      ).then(hintOf);
    },
  };
  // Optional methods are capability signals: offer only the ones the script enables.
  return {
    ...required,
    ...(options.inspect ? { inspect: optional.inspect } : {}),
    ...(features.mix ? { mix: optional.mix } : {}),
    ...(features.zip ? { zip: optional.zip } : {}),
    ...(features.list ? { list: optional.list } : {}),
    ...(features.cancel ? { cancel: optional.cancel } : {}),
    ...(features.callbacks ? { parseCallback: optional.parseCallback } : {}),
  };
}

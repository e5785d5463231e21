import type { TargetStatus } from '@stemkit/core/driver';
import type { MockFault, MockOperation, MockScript } from './script.ts';

/**
 * Where the mock provider's API lives. Nothing listens there: requests never leave the process.
 *
 * @example
 * ```ts
 * const driver = createMockDriver({ baseUrl: MOCK_API_URL });
 * ```
 */
export const MOCK_API_URL = 'https://api.mock.stemkit.test/v1/';
/**
 * Where the mock provider's signed download links point.
 *
 * @example
 * ```ts
 * const isStorage = (url: URL) => url.origin === new URL(MOCK_STORAGE_URL).origin;
 * ```
 */
export const MOCK_STORAGE_URL = 'https://storage.mock.stemkit.test/';
/**
 * The API key the mock provider accepts.
 *
 * @example
 * ```ts
 * const refused = createMockDriver({ apiKey: `${MOCK_API_KEY}-wrong` });
 * ```
 */
export const MOCK_API_KEY = 'mock-key-7f3a9c2e';

const STATE_NAMES: Record<TargetStatus, string> = {
  queued: 'QUEUED',
  running: 'PROCESSING',
  succeeded: 'DONE',
  failed: 'ERROR',
  canceled: 'CANCELLED',
};

/**
 * One request the mock provider received.
 *
 * @example
 * ```ts
 * const driver = createMockDriver();
 * expect(driver.server.requests.map((request: MockRequestRecord) => request.operation)).toEqual(['upload', 'start']);
 * ```
 */
export interface MockRequestRecord {
  /** The operation it was routed to: `storage` for signed-URL transfers; an unknown API route is `status`. */
  readonly operation: MockOperation;
  /** The HTTP method as received, e.g. `GET` or `POST`. */
  readonly method: string;
  /** The full URL, query included (for a storage request, its signature and expiry). */
  readonly url: string;
  /** Whether it carried an `authorization` header. */
  readonly authorized: boolean;
}

/**
 * One upload the mock provider received, with how the bytes arrived.
 *
 * @example
 * ```ts
 * const driver = createMockDriver();
 * expect(driver.server.uploads[0]?.chunks).toBeGreaterThan(1);
 * ```
 */
export interface MockUploadRecord {
  /** The id of the asset the upload became (e.g. `src_0001`), as `upload` returns it. */
  readonly id: string;
  /** The file name the driver sent in the `name` query parameter (`upload` when it sent none). */
  readonly name: string;
  /** Bytes actually received, counted from the body rather than the size the driver declared. */
  readonly size: number;
  /** Chunks the body arrived in: 1 for a buffered body of any size. */
  readonly chunks: number;
}

interface StoredFile {
  readonly id: string;
  readonly name: string;
  readonly format: string;
  readonly data: Uint8Array;
}

interface TargetState {
  readonly id: string;
  readonly stem: string;
  readonly formats: readonly string[];
  readonly residual: boolean;
  readonly sequence: readonly TargetStatus[];
  canceled: boolean;
  outputs: StoredFile[] | undefined;
}

interface JobState {
  readonly id: string;
  readonly source: StoredFile;
  readonly targets: TargetState[];
  readonly metadata: string | undefined;
  readonly createdAt: string;
  /** Mixes and zips made from the job: they download through its links like its outputs. */
  readonly derived: StoredFile[];
  polls: number;
}

/**
 * An in-memory provider server behind a `fetch` function: a small job API (uploads, jobs, links, mix, zip, list,
 * cancel) and a signed-URL storage host with expiring links. Its payloads deliberately differ from stemkit's
 * neutral model, so the mock driver maps them like a real driver does.
 *
 * @example
 * ```ts
 * const server = createMockServer();
 * server.fault('status', 503);
 * server.expireLinks();
 * ```
 */
export interface MockServer {
  /** A `fetch` that answers for the API and storage hosts, and fails like an unreachable host otherwise. */
  readonly fetch: typeof globalThis.fetch;
  /** Whether a URL is an API request (as opposed to a storage transfer). */
  isApiRequest(url: URL): boolean;
  /** Every request received, in order. */
  readonly requests: readonly MockRequestRecord[];
  /** Every upload received. */
  readonly uploads: readonly MockUploadRecord[];
  /** Queues failures for the next requests of an operation. */
  fault(operation: MockOperation, ...faults: MockFault[]): void;
  /** Makes every link issued so far expire now. */
  expireLinks(): void;
  /** The callback the provider would send for a job. */
  callbackFor(jobId: string): { headers: Headers; body: unknown };
}

/**
 * Creates an in-memory provider following `script`.
 *
 * @example
 * ```ts
 * const server = createMockServer({ statuses: ['queued', 'succeeded'] });
 * const driver = createMockDriver({ server });
 * ```
 */
export function createMockServer(script: MockScript = {}): MockServer {
  const features = { mix: true, zip: true, list: true, cancel: true, callbacks: true, ...script.features };
  const requests: MockRequestRecord[] = [];
  const uploads: MockUploadRecord[] = [];
  const files = new Map<string, StoredFile>();
  const jobs = new Map<string, JobState>();
  const faults = new Map<MockOperation, MockFault[]>();
  for (const [operation, queued] of Object.entries(script.faults ?? {})) {
    faults.set(operation as MockOperation, [...(queued ?? [])]);
  }
  let linkNotReady = script.linkNotReady ?? 0;
  let inspectNotReady = script.inspect?.notReady ?? 0;
  // Links carry the generation they were issued in; expiring links moves the oldest generation still valid.
  let generation = 0;
  let oldestValidGeneration = 0;
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}_${(++counter).toString(36).padStart(4, '0')}`;
  const api = new URL(MOCK_API_URL);
  const storage = new URL(MOCK_STORAGE_URL);

  function sign(fileId: string, expires: number): string {
    // FNV-1a: enough to tell a tampered link from a genuine one in memory.
    let hash = 0x811c9dc5;
    for (const char of `${fileId}:${expires}:mock-signing-secret`) {
      hash ^= char.charCodeAt(0);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16);
  }

  function linkTo(file: StoredFile): { url: string; expiresAt: string } {
    const expires = Date.now() + (script.linkTtlMs ?? 600_000);
    const url = new URL(`files/${file.id}`, storage);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('generation', String(generation));
    url.searchParams.set('signature', sign(`${file.id}:${generation}`, expires));
    return { url: url.href, expiresAt: new Date(expires).toISOString() };
  }

  function statusOf(target: TargetState, polls: number): TargetStatus {
    if (target.canceled) return 'canceled';
    return target.sequence[Math.min(polls, target.sequence.length - 1)] ?? 'succeeded';
  }

  function fileFrom(source: StoredFile, name: string, format: string): StoredFile {
    const file = { id: nextId('file'), name, format, data: source.data };
    files.set(file.id, file);
    return file;
  }

  function outputsOf(job: JobState, target: TargetState): StoredFile[] {
    target.outputs ??= target.formats.flatMap((format) => [
      fileFrom(job.source, `${target.stem}.${format}`, format),
      ...(target.residual ? [fileFrom(job.source, `${target.stem}-residual.${format}`, format)] : []),
    ]);
    return target.outputs;
  }

  function filePayload(file: StoredFile, role?: string) {
    return {
      id: file.id,
      name: file.name,
      format: file.format,
      bytes: file.data.byteLength,
      role,
      ...linkTo(file),
    };
  }

  function jobPayload(job: JobState) {
    const targets = job.targets.map((target) => {
      const status = statusOf(target, job.polls);
      return {
        id: target.id,
        model: target.stem,
        formats: target.formats,
        state: STATE_NAMES[status],
        outputs:
          status === 'succeeded'
            ? outputsOf(job, target).map((file) =>
                filePayload(file, file.name.includes('-residual.') ? 'residual' : 'stem'),
              )
            : [],
        error:
          status === 'failed'
            ? (script.failure ?? { code: 'E_SEPARATION', message: 'separation failed' })
            : null,
      };
    });
    return {
      id: job.id,
      source: filePayload(job.source, 'source'),
      targets,
      metadata: job.metadata ?? null,
      created: job.createdAt,
      events: [
        { name: 'created', at: job.createdAt },
        ...(job.polls > 0 ? [{ name: 'polled', at: job.createdAt }] : []),
      ],
    };
  }

  function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
  }

  function faultResponse(fault: MockFault): Response {
    if (fault === 'network') throw new TypeError('fetch failed');
    const spec = typeof fault === 'number' ? { status: fault } : fault;
    const headers: Record<string, string> = {};
    if (spec.retryAfterSeconds !== undefined) headers['retry-after'] = String(spec.retryAfterSeconds);
    return json(
      spec.body ?? { error: { code: `E${spec.status}`, message: `scripted ${spec.status}` } },
      spec.status,
      headers,
    );
  }

  /** Reads a body chunk by chunk, as a server does, giving up when the client aborts. */
  async function readBody(request: Request): Promise<{ data: Uint8Array; chunks: number }> {
    const parts: Uint8Array[] = [];
    if (request.body) {
      const reader = request.body.getReader();
      const aborted = new Promise<never>((_, reject) => {
        const onAbort = () => reject(request.signal.reason);
        if (request.signal.aborted) onAbort();
        request.signal.addEventListener('abort', onAbort, { once: true });
      });
      aborted.catch(() => reader.cancel().catch(() => undefined));
      for (;;) {
        const { done, value } = await Promise.race([reader.read(), aborted]);
        if (done) break;
        parts.push(value);
      }
    }
    const data = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      data.set(part, offset);
      offset += part.byteLength;
    }
    return { data, chunks: parts.length };
  }

  function route(request: Request, url: URL): { operation: MockOperation; handle: () => Promise<Response> } {
    const path = url.pathname.slice(api.pathname.length).split('/').filter(Boolean);
    const method = request.method;
    const [collection, id, action, outputId, leaf] = path;
    const notFound = () => json({ error: { code: 'E_NOT_FOUND', message: 'no such job' } }, 404);
    const withJob = (run: (job: JobState) => Response | Promise<Response>) => async () => {
      const job = jobs.get(id ?? '');
      return job ? run(job) : notFound();
    };
    if (collection === 'uploads' && method === 'POST' && !id) {
      return {
        operation: 'upload',
        handle: async () => {
          const name = url.searchParams.get('name') ?? 'upload';
          const { data, chunks } = await readBody(request);
          if (data.byteLength === 0) return json({ error: { message: 'empty upload' } }, 422);
          const file = { id: nextId('src'), name, format: name.split('.').pop() ?? 'bin', data };
          files.set(file.id, file);
          uploads.push({ id: file.id, name, size: data.byteLength, chunks });
          return json(filePayload(file, 'source'), 201);
        },
      };
    }
    if (collection === 'uploads' && method === 'GET' && id && action === 'metadata') {
      return {
        operation: 'inspect',
        handle: async () => {
          const file = files.get(id);
          if (!file) return json({ error: { message: 'no such upload' } }, 404);
          if (inspectNotReady > 0) {
            inspectNotReady--;
            const hint = script.inspect?.retryAfterMs;
            return json(
              { state: 'COMPUTING' },
              202,
              hint === undefined ? {} : { 'retry-after': String(hint / 1000) },
            );
          }
          const metadata = wavMetadata(file.data);
          return json(metadata ?? { decodable: false, message: 'the file is not a WAV file' });
        },
      };
    }
    if (collection === 'jobs' && method === 'POST' && !id) {
      return {
        operation: 'start',
        handle: async () => {
          const body = (await request.json()) as {
            source?: { assetId?: string };
            targets?: Array<{ stem: string; formats: string[]; residual?: boolean }>;
            metadata?: string;
          };
          const source = files.get(body.source?.assetId ?? '');
          if (!source) return json({ error: { message: 'unknown source asset' } }, 422);
          if (!body.targets?.length) return json({ error: { message: 'no targets' } }, 422);
          const job: JobState = {
            id: nextId('job'),
            source,
            targets: body.targets.map((target) => ({
              id: nextId('target'),
              stem: target.stem,
              formats: target.formats,
              residual: target.residual === true,
              sequence: script.stemStatuses?.[target.stem] ??
                script.statuses ?? ['queued', 'running', 'succeeded'],
              canceled: false,
              outputs: undefined,
            })),
            metadata: body.metadata,
            createdAt: new Date().toISOString(),
            derived: [],
            polls: 0,
          };
          jobs.set(job.id, job);
          return json(jobPayload(job), 201);
        },
      };
    }
    if (collection === 'jobs' && method === 'GET' && !id) {
      return {
        operation: 'list',
        handle: async () => {
          if (!features.list) return notFound();
          const all = [...jobs.values()];
          const start = Number(url.searchParams.get('cursor') ?? 0);
          const limit = Number(url.searchParams.get('limit') ?? 50);
          const page = all.slice(start, start + limit);
          const next = start + limit < all.length ? String(start + limit) : null;
          return json({ jobs: page.map(jobPayload), next });
        },
      };
    }
    if (collection === 'jobs' && method === 'GET' && id && !action) {
      return {
        operation: 'status',
        handle: withJob((job) => {
          job.polls++;
          const payload = jobPayload(job);
          const running = payload.targets.some((target) => ['QUEUED', 'PROCESSING'].includes(target.state));
          const headers: Record<string, string> =
            running && script.retryAfterMs !== undefined
              ? { 'retry-after': String(script.retryAfterMs / 1000) }
              : {};
          return json(payload, 200, headers);
        }),
      };
    }
    if (collection === 'jobs' && method === 'GET' && action === 'outputs' && outputId && leaf === 'link') {
      return {
        operation: 'link',
        handle: withJob((job) => {
          const outputs = job.targets.flatMap((target) => target.outputs ?? []);
          const output = [...outputs, ...job.derived, job.source].find((file) => file.id === outputId);
          if (!output) return notFound();
          if (linkNotReady > 0) {
            linkNotReady--;
            return json({ state: 'PREPARING' }, 202, { 'retry-after': '1' });
          }
          const format = url.searchParams.get('format') ?? output.format;
          const file =
            format === output.format
              ? output
              : fileFrom(output, output.name.replace(/\.\w+$/, `.${format}`), format);
          return json(linkTo(file));
        }),
      };
    }
    if (collection === 'jobs' && method === 'POST' && id && (action === 'mix' || action === 'zip')) {
      return {
        operation: action,
        handle: withJob(async (job) => {
          if (!features[action]) return notFound();
          const body = (await request.json()) as { name?: string; format?: string };
          const format = action === 'zip' ? 'zip' : (body.format ?? 'wav');
          const file = fileFrom(job.source, body.name ?? `${action}.${format}`, format);
          job.derived.push(file);
          return json(filePayload(file, action === 'zip' ? 'archive' : 'mix'), 201);
        }),
      };
    }
    if (collection === 'jobs' && method === 'POST' && id && action === 'cancel') {
      return {
        operation: 'cancel',
        handle: withJob((job) => {
          if (!features.cancel) return notFound();
          for (const target of job.targets) {
            const status = statusOf(target, job.polls);
            if (status === 'queued' || status === 'running') target.canceled = true;
          }
          return new Response(null, { status: 204 });
        }),
      };
    }
    return { operation: 'status', handle: async () => notFound() };
  }

  async function serveStorage(request: Request, url: URL): Promise<Response> {
    // A real bucket rejects requests that carry the API credential; so does this one, loudly.
    if (request.headers.has('authorization'))
      return new Response('credential sent to storage', { status: 400 });
    const fileId = url.pathname.split('/').pop() ?? '';
    const file = files.get(fileId);
    const expires = Number(url.searchParams.get('expires'));
    const issuedIn = Number(url.searchParams.get('generation'));
    const genuine = url.searchParams.get('signature') === sign(`${fileId}:${issuedIn}`, expires);
    if (!file || !genuine || expires <= Date.now() || issuedIn < oldestValidGeneration) {
      return new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 });
    }
    return new Response(file.data.slice(), {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.data.byteLength) },
    });
  }

  const fetchFunction = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const authorized = request.headers.has('authorization');
    if (url.origin === storage.origin) {
      requests.push({ operation: 'storage', method: request.method, url: url.href, authorized });
      const fault = faults.get('storage')?.shift();
      return fault === undefined ? serveStorage(request, url) : faultResponse(fault);
    }
    if (url.origin !== api.origin || !url.pathname.startsWith(api.pathname))
      throw new TypeError('fetch failed');
    request.signal.throwIfAborted();
    const { operation, handle } = route(request, url);
    requests.push({ operation, method: request.method, url: url.href, authorized });
    const fault = faults.get(operation)?.shift();
    if (fault !== undefined) return faultResponse(fault);
    if (request.headers.get('authorization') !== `Bearer ${MOCK_API_KEY}`) {
      return json({ error: { code: 'E_AUTH', message: 'invalid API key' } }, 401);
    }
    return handle();
  };

  return {
    fetch: fetchFunction as typeof globalThis.fetch,
    isApiRequest: (url) => url.origin === api.origin,
    requests,
    uploads,
    fault(operation, ...queued) {
      faults.set(operation, [...(faults.get(operation) ?? []), ...queued]);
    },
    expireLinks() {
      generation++;
      oldestValidGeneration = generation;
    },
    callbackFor(jobId) {
      return {
        headers: new Headers({ 'content-type': 'application/json', 'x-mock-event': 'job.updated' }),
        body: { event: 'job.updated', job: { id: jobId } },
      };
    },
  };
}

/** Duration, channels and sample rate of a PCM WAV file; `undefined` for anything else. */
function wavMetadata(
  data: Uint8Array,
): { decodable: true; durationSeconds: number; channels: number; sampleRate: number } | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const text = (offset: number) => String.fromCharCode(...data.subarray(offset, offset + 4));
  if (data.byteLength < 12 || text(0) !== 'RIFF' || text(8) !== 'WAVE') return undefined;
  let format: { channels: number; sampleRate: number; byteRate: number } | undefined;
  for (let offset = 12; offset + 8 <= data.byteLength; ) {
    const size = view.getUint32(offset + 4, true);
    if (text(offset) === 'fmt ' && offset + 20 <= data.byteLength) {
      format = {
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        byteRate: view.getUint32(offset + 16, true),
      };
    }
    if (text(offset) === 'data' && format && format.byteRate > 0) {
      const bytes = Math.min(size, data.byteLength - offset - 8);
      return { decodable: true, ...format, durationSeconds: bytes / format.byteRate };
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

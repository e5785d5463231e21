// An in-memory Tinystems API for the example driver's tests: files, splits that advance one step per read and
// separate real audio with @stemkit/audio, and signed download links that expire. Served as a `fetch`, no socket.
import { decodeWav, encodeWav, separate } from '@stemkit/audio';

export const TINYSTEMS_API = 'https://api.tinystems.example/v1/';
export const TINYSTEMS_FILES = 'https://files.tinystems.example/';
export const TINYSTEMS_KEY = 'tiny-key-never-shown';

interface Split {
  readonly id: string;
  readonly fileId: string;
  readonly stems: readonly string[];
  readonly createdAt: string;
  reads: number;
  status: 'pending' | 'processing' | 'done' | 'error';
  error?: string;
  outputs?: Record<string, Uint8Array>;
}

export interface TinystemsApi {
  /** The API and its file host, as a `fetch`; any other host fails like an unreachable one. */
  readonly fetch: typeof globalThis.fetch;
  /** Whether a URL is an API request (not a signed download), for the conformance suite's faulty fetch. */
  isApiRequest(url: URL): boolean;
  /** Makes every link issued so far expire. */
  expireLinks(): void;
  /** Splits started so far. */
  readonly splitsStarted: () => number;
}

/** Reads a request body, giving up when the client aborts (a stalled upload must not hang the server). */
async function readBody(request: Request): Promise<Uint8Array> {
  const aborted = new Promise<never>((_, reject) =>
    request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true }),
  );
  return new Uint8Array(await Promise.race([request.arrayBuffer(), aborted]));
}

export function createTinystemsApi(): TinystemsApi {
  const files = new Map<string, Uint8Array>();
  const splits = new Map<string, Split>();
  let generation = 0;

  const json = (body: unknown, status = 200) => Response.json(body, { status });
  const refuse = (status: number, error: string) => json({ error }, status);

  function linkFor(split: Split, stem: string) {
    const expires = Date.now() + 60_000;
    const url = `${TINYSTEMS_FILES}${split.id}/${stem}.wav?generation=${generation}&expires=${expires}&signature=ok`;
    return { stem, url, expires_at: new Date(expires).toISOString() };
  }

  async function advance(split: Split): Promise<void> {
    split.reads++;
    if (split.status === 'pending') split.status = 'processing';
    else if (split.status === 'processing') {
      try {
        const stems = await separate(decodeWav(files.get(split.fileId)!), split.stems);
        split.outputs = Object.fromEntries(split.stems.map((stem) => [stem, encodeWav(stems[stem]!)]));
        split.status = 'done';
      } catch (error) {
        split.status = 'error';
        split.error = `not decodable audio: ${String(error)}`;
      }
    }
  }

  const describe = (split: Split) => ({
    id: split.id,
    status: split.status,
    stems: split.stems,
    created_at: split.createdAt,
    ...(split.error ? { error: split.error } : {}),
    ...(split.outputs ? { results: split.stems.map((stem) => linkFor(split, stem)) } : {}),
  });

  async function api(request: Request, path: string): Promise<Response> {
    if (request.headers.get('authorization') !== `Bearer ${TINYSTEMS_KEY}`) return refuse(401, 'bad API key');
    if (request.method === 'POST' && path === 'files') {
      const bytes = await readBody(request);
      const id = `file_${files.size + 1}`;
      files.set(id, bytes);
      return json({ id, size: bytes.byteLength }, 201);
    }
    if (request.method === 'POST' && path === 'splits') {
      const body = (await request.json()) as { file_id?: string; stems?: string[] };
      if (!body.file_id || !files.has(body.file_id)) return refuse(404, 'no such file');
      const stems = body.stems ?? [];
      if (stems.includes('accompaniment') && stems.some((stem) => stem === 'drums' || stem === 'bass')) {
        return refuse(422, 'accompaniment comes with vocals only');
      }
      const split: Split = {
        id: `split_${splits.size + 1}`,
        fileId: body.file_id,
        stems,
        createdAt: new Date().toISOString(),
        reads: 0,
        status: 'pending',
      };
      splits.set(split.id, split);
      return json(describe(split), 201);
    }
    const split = request.method === 'GET' && splits.get(path.replace(/^splits\//, ''));
    if (!split) return refuse(404, 'not found');
    await advance(split);
    return json(describe(split));
  }

  function download(url: URL): Response {
    const [splitId, file] = url.pathname.slice(1).split('/');
    const bytes = splits.get(splitId ?? '')?.outputs?.[file?.replace(/\.wav$/, '') ?? ''];
    const fresh =
      url.searchParams.get('signature') === 'ok' &&
      url.searchParams.get('generation') === String(generation) &&
      Number(url.searchParams.get('expires')) > Date.now();
    if (!bytes) return new Response('not found', { status: 404 });
    if (!fresh) return new Response('link expired', { status: 403 });
    return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      headers: { 'content-type': 'audio/wav' },
    });
  }

  return {
    async fetch(input, init) {
      const request = new Request(input, init);
      // Like a real fetch: an aborted signal rejects with its reason, before or during the exchange.
      request.signal.throwIfAborted();
      const url = new URL(request.url);
      if (url.href.startsWith(TINYSTEMS_API)) return api(request, url.pathname.replace(/^\/v1\//, ''));
      if (url.origin === new URL(TINYSTEMS_FILES).origin) return download(url);
      throw new TypeError('fetch failed', { cause: new Error(`getaddrinfo ENOTFOUND ${url.host}`) });
    },
    isApiRequest: (url) => url.href.startsWith(TINYSTEMS_API),
    expireLinks: () => {
      generation++;
    },
    splitsStarted: () => splits.size,
  };
}

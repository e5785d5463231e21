import type { UploadRequest } from '../driver/contract.ts';
import { isAbortError, StemkitError, UploadError } from '../errors.ts';
import type { Asset } from '../model/asset.ts';
import { redactUrl } from '../secrets.ts';
import { requireCapability } from './capabilities.ts';
import type { ClientContext } from './context.ts';
import { type PollOutcome, poll } from './poll.ts';
import { throwIfAborted } from './sleep.ts';
import type { ResolvedSource } from './source.ts';

/** Options of {@link uploadSource}. */
interface UploadSourceOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (sentBytes: number) => void;
  /** Wait for what the provider computes about the audio (default true; a transcript is no audio). */
  readonly inspect?: boolean;
}

/** How long an upload waits for the provider's metadata before returning the stored asset without it. */
const INSPECT_TIMEOUT_MS = 60_000;

/**
 * Uploads a resolved source through the driver, streaming: a remote URL is fetched by the client (without any
 * credential) and piped straight into the upload. Sizes over the driver's limit fail before any byte is sent.
 * Then waits on the driver's `inspect`, when it has one, for the metadata the provider computes (or its
 * verdict that the file is not audio).
 */
export async function uploadSource(
  context: ClientContext,
  source: ResolvedSource,
  options: UploadSourceOptions = {},
): Promise<Asset> {
  if (source.kind === 'asset') return source.asset;
  const { request, body, sent } = await openUpload(context, source, options);
  const { driver } = context;
  let asset: Asset;
  try {
    asset = await driver.upload({ ...request, body }, { signal: options.signal });
    // The client counts the bytes, so drivers need not: a stream of unknown length is always counted.
    if (asset.sizeBytes === undefined) asset = { ...asset, sizeBytes: request.size ?? sent() };
  } catch (error) {
    if (isAbortError(error) || StemkitError.isInstance(error)) throw error;
    throw new UploadError(`Uploading ${request.name} to ${driver.provider} failed`, {
      provider: driver.provider,
      cause: error,
    });
  }
  return options.inspect === false ? asset : inspect(context, asset, options.signal);
}

/**
 * Opens a resolved source (not an asset) as the stream the driver sends: sizes over the driver's limit fail
 * before any byte, the credential is checked first, a remote URL is fetched without any credential, and the
 * bytes are counted where needed. `separate` hands the result to an inline driver's `start`.
 */
export async function openUpload(
  context: ClientContext,
  source: Exclude<ResolvedSource, { kind: 'asset' }>,
  options: Pick<UploadSourceOptions, 'signal' | 'onProgress'> = {},
): Promise<{ request: UploadRequest; body: ReadableStream<Uint8Array>; sent: () => number }> {
  checkSize(context, source.kind === 'upload' ? source.request.size : undefined);
  throwIfAborted(options.signal);
  try {
    // A refused key fails here, in one small request, rather than after the whole file was sent.
    await context.credentials.verify(options.signal);
  } catch (error) {
    if (source.kind === 'upload') await source.request.body.cancel().catch(() => undefined);
    throw error;
  }
  const request = source.kind === 'url' ? await fetchRemote(context, source, options.signal) : source.request;
  try {
    checkSize(context, request.size);
  } catch (error) {
    // A remote source answered with its size only now: let go of the connection.
    await request.body.cancel().catch(() => undefined);
    throw error;
  }
  const { logger, driver } = context;
  logger.debug('upload', { provider: driver.provider, name: request.name, size: request.size });
  let sent = 0;
  const counted = (count: number) => {
    sent = count;
    options.onProgress?.(count);
  };
  // Counting costs a stream hop per chunk: only for progress, or a stream of unknown length (its size, the limit).
  const body =
    request.size !== undefined && !options.onProgress ? request.body : meter(context, request, counted);
  return { request, body, sent: () => sent };
}

/**
 * Asks the driver's `inspect` until the provider has computed what it computes after an upload, with the
 * schedule and hints `wait` follows. Past the deadline the stored asset comes back as it is: the bytes are safe,
 * only the metadata is late.
 */
async function inspect(
  context: ClientContext,
  asset: Asset,
  signal: AbortSignal | undefined,
): Promise<Asset> {
  const { driver, logger } = context;
  const ask = driver.inspect?.bind(driver);
  if (!ask) return asset;
  return poll(
    async (): Promise<PollOutcome<Asset>> => {
      const result = await ask(asset, { signal });
      return result.ready
        ? { done: true, value: result.asset }
        : { done: false, retryAfterMs: result.retryAfterMs };
    },
    {
      schedule: context.wait,
      signal,
      timeoutMs: INSPECT_TIMEOUT_MS,
      onTimeout: () => {
        logger.warn('upload metadata not ready; returning the asset without it', {
          provider: driver.provider,
          asset: asset.id,
        });
        return asset;
      },
    },
  );
}

function checkSize(context: ClientContext, size: number | undefined): void {
  const limit = context.capabilities.maxUploadBytes;
  if (limit === undefined || size === undefined) return;
  requireCapability(
    context,
    'maxUploadBytes',
    size <= limit,
    `takes uploads of at most ${limit} bytes, not ${size}`,
  );
}

async function fetchRemote(
  context: ClientContext,
  source: Extract<ResolvedSource, { kind: 'url' }>,
  signal: AbortSignal | undefined,
): Promise<UploadRequest> {
  const provider = context.driver.provider;
  let response: Response;
  try {
    response = await context.fetch(source.url, { signal });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new UploadError(`Could not fetch the source ${redactUrl(source.url)}`, { provider, cause: error });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new UploadError(`Fetching the source ${redactUrl(source.url)} answered ${response.status}`, {
      provider,
    });
  }
  const length = Number(response.headers.get('content-length'));
  return {
    body: response.body,
    name: source.name,
    size: Number.isSafeInteger(length) && length > 0 ? length : undefined,
    contentType: response.headers.get('content-type')?.split(';')[0] || undefined,
  };
}

/** Counts bytes as the driver pulls them: the one place an upload is counted (progress, size, limit). */
function meter(
  context: ClientContext,
  request: UploadRequest,
  onCount: (sentBytes: number) => void,
): ReadableStream<Uint8Array> {
  // A stream of known size was held to the limit before sending; the provider enforces its own limit anyway.
  const limit = request.size === undefined ? context.capabilities.maxUploadBytes : undefined;
  let sent = 0;
  return request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sent += chunk.byteLength;
        if (limit !== undefined && sent > limit) {
          controller.error(
            new UploadError(
              `The source is larger than ${context.driver.provider}'s limit of ${limit} bytes`,
              {
                provider: context.driver.provider,
              },
            ),
          );
          return;
        }
        controller.enqueue(chunk);
        onCount(sent);
      },
    }),
  );
}

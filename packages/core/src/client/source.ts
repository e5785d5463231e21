import type { UploadRequest } from '../driver/contract.ts';
import { InvalidArgumentError, isAbortError, UploadError } from '../errors.ts';
import { type Asset, AssetSchema } from '../model/asset.ts';
import { mimeTypeOf } from '../model/names.ts';
import type { ClientContext } from './context.ts';
import { type AudioSniff, peekStream, SNIFF_BYTES, sniffAudio } from './sniff.ts';
import type { SourceInput } from './types.ts';

/**
 * A source, sorted: a remote URL, an asset uploaded before, or bytes to upload (always as a stream). Bytes and
 * Blobs keep a way to read their first bytes without touching the stream.
 */
export type ResolvedSource =
  | { readonly kind: 'url'; readonly url: string; readonly name: string }
  | { readonly kind: 'asset'; readonly asset: Asset }
  | {
      readonly kind: 'upload';
      readonly request: UploadRequest;
      readonly head?: () => Promise<Uint8Array>;
    };

const CHUNK_BYTES = 64 * 1024;

/** Sorts any accepted source into a URL, an asset or an upload stream, without reading it. */
export async function resolveSource(
  context: ClientContext,
  source: SourceInput | unknown,
  name: string | undefined,
  field = 'source',
): Promise<ResolvedSource> {
  if (typeof source === 'string') {
    if (/^https?:\/\//i.test(source)) return urlSource(source, name, field);
    if (!context.openPath) {
      throw new InvalidArgumentError(
        field,
        'a string must be an http(s) URL; file paths need `createStemkit` from `@stemkit/core/node`',
      );
    }
    if (source.length === 0) throw new InvalidArgumentError(field, 'must not be an empty path');
    const { head, ...request } = await context.openPath(source, name);
    return { kind: 'upload', request, ...(head ? { head: () => head(SNIFF_BYTES) } : {}) };
  }
  if (source instanceof URL) return urlSource(source.href, name, field);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const fileName = name ?? ('name' in source && typeof source.name === 'string' ? source.name : undefined);
    const blob = source;
    return {
      ...upload(source.stream(), fileName, source.size, source.type || undefined),
      head: async () => new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer()),
    };
  }
  if (source instanceof ArrayBuffer) return bytesUpload(new Uint8Array(source), name);
  if (source instanceof Uint8Array) return bytesUpload(source, name);
  if (source instanceof ReadableStream) return upload(source as ReadableStream<Uint8Array>, name);
  if (typeof source === 'object' && source !== null) {
    const record = source as Record<string, unknown>;
    if ('role' in record && 'provider' in record && 'id' in record) {
      const asset = AssetSchema.safeParse(record);
      if (!asset.success) throw new InvalidArgumentError(field, 'is not a valid Asset');
      if (asset.data.provider !== context.driver.provider) {
        throw new InvalidArgumentError(
          field,
          `is an asset of "${asset.data.provider}", but this client drives "${context.driver.provider}"`,
        );
      }
      return { kind: 'asset', asset: asset.data };
    }
    if (typeof record.url === 'string' && Object.keys(record).length === 1) {
      return urlSource(record.url, name, `${field}.url`);
    }
    if (record.body instanceof ReadableStream) {
      if (typeof record.name !== 'string' || record.name.length === 0) {
        throw new InvalidArgumentError(`${field}.name`, 'must be a non-empty string');
      }
      if (record.size !== undefined && !isByteCount(record.size)) {
        throw new InvalidArgumentError(`${field}.size`, 'must be a whole number of bytes');
      }
      if (record.contentType !== undefined && typeof record.contentType !== 'string') {
        throw new InvalidArgumentError(`${field}.contentType`, 'must be a string');
      }
      return upload(
        record.body as ReadableStream<Uint8Array>,
        name ?? record.name,
        record.size as number | undefined,
        record.contentType as string | undefined,
      );
    }
  }
  throw new InvalidArgumentError(
    field,
    'must be a Blob, bytes, a ReadableStream, an http(s) URL, { url }, { body, name } or an uploaded Asset',
  );
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function urlSource(url: string, name: string | undefined, field: string): ResolvedSource {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(field, 'must be a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError(field, 'must be an http(s) URL');
  }
  const base = decodeURIComponent(parsed.pathname.split('/').pop() ?? '');
  return { kind: 'url', url: parsed.href, name: name ?? (base || 'source') };
}

function bytesUpload(bytes: Uint8Array, name: string | undefined): ResolvedSource {
  return {
    ...upload(bytesStream(bytes), name, bytes.byteLength),
    head: async () => bytes.subarray(0, SNIFF_BYTES),
  };
}

function upload(
  body: ReadableStream<Uint8Array>,
  name: string | undefined,
  size?: number,
  contentType?: string,
): Extract<ResolvedSource, { kind: 'upload' }> {
  const fileName = name ?? 'source';
  const known = mimeTypeOf(fileName.split('.').pop() ?? '');
  return {
    kind: 'upload',
    request: {
      body,
      name: fileName,
      size,
      contentType: contentType ?? (known === 'application/octet-stream' ? undefined : known),
    },
  };
}

/**
 * Refuses, before anything is sent, a source to upload whose first bytes are no audio, or audio whose header says
 * it holds none: an `InvalidArgumentError` naming `field`, whatever the driver. Reads at most {@link SNIFF_BYTES}
 * once: bytes and Blobs directly, a stream (or file) by peeking, so the upload still sends every byte. URLs and
 * uploaded assets cannot be inspected here and pass unchanged.
 */
export async function requireAudio(
  context: ClientContext,
  source: ResolvedSource,
  signal: AbortSignal | undefined,
  field = 'source',
): Promise<ResolvedSource> {
  if (source.kind !== 'upload') return source;
  const { request } = source;
  let checked: ResolvedSource = source;
  let verdict: AudioSniff;
  try {
    if (request.size === 0) verdict = { verdict: 'empty' };
    else if (source.head) verdict = sniffAudio(await source.head(), request.size ?? null);
    else {
      const peeked = await peekStream(request.body, SNIFF_BYTES, signal);
      checked = { kind: 'upload', request: { ...request, body: peeked.stream } };
      verdict = sniffAudio(peeked.head, peeked.ended ? peeked.head.length : (request.size ?? null));
    }
  } catch (error) {
    if (isAbortError(error)) throw error;
    // As the upload would have failed on it: the source could not be read.
    await request.body.cancel().catch(() => undefined);
    throw new UploadError(`Reading ${request.name} failed`, {
      provider: context.driver.provider,
      cause: error,
    });
  }
  if (verdict.verdict === 'audio') return checked;
  // Nothing will read the source now: let go of its file or connection.
  await checked.request.body.cancel().catch(() => undefined);
  throw new InvalidArgumentError(field, refusal(verdict));
}

function refusal(verdict: Exclude<AudioSniff, { verdict: 'audio' }>): string {
  switch (verdict.verdict) {
    case 'empty':
      return 'is empty (0 bytes): there is no audio to separate';
    case 'no-frames':
      return `is a ${verdict.format.toUpperCase()} file that holds no audio (0 frames)`;
    case 'not-audio':
      return 'is not audio: its first bytes are none of WAV, AIFF, FLAC, MP3, AAC or M4A/MP4';
  }
}

/** Bytes as a stream of 64 KiB views, so drivers see one shape whatever the input. */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + CHUNK_BYTES));
      offset += CHUNK_BYTES;
    },
  });
}

import type { UploadRequest } from '../driver/contract.ts';
import { InvalidArgumentError } from '../errors.ts';
import { type Asset, AssetSchema } from '../model/asset.ts';
import { mimeTypeOf } from '../model/names.ts';
import type { ClientContext } from './context.ts';
import type { SourceInput } from './types.ts';

/** A source, sorted: a remote URL, an asset uploaded before, or bytes to upload (always as a stream). */
export type ResolvedSource =
  | { readonly kind: 'url'; readonly url: string; readonly name: string }
  | { readonly kind: 'asset'; readonly asset: Asset }
  | { readonly kind: 'upload'; readonly request: UploadRequest };

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
    return { kind: 'upload', request: await context.openPath(source, name) };
  }
  if (source instanceof URL) return urlSource(source.href, name, field);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const fileName = name ?? ('name' in source && typeof source.name === 'string' ? source.name : undefined);
    return upload(source.stream(), fileName, source.size, source.type || undefined);
  }
  if (source instanceof ArrayBuffer)
    return upload(bytesStream(new Uint8Array(source)), name, source.byteLength);
  if (source instanceof Uint8Array) return upload(bytesStream(source), name, source.byteLength);
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

function upload(
  body: ReadableStream<Uint8Array>,
  name: string | undefined,
  size?: number,
  contentType?: string,
): ResolvedSource {
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

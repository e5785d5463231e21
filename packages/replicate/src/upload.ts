import {
  type Asset,
  type DriverCallOptions,
  InvalidArgumentError,
  mimeTypeOf,
  multipartFile,
  type UploadRequest,
} from '@stemkit/core/driver';
import type { ReplicateApi } from './api.ts';
import { REPLICATE_PROVIDER } from './options.ts';
import { ReplicateFile } from './wire.ts';

/** The Files API's limit: "Files must be less than 100MB in size". */
export const MAX_FILE_BYTES = 100 * 1024 * 1024 - 1;

/**
 * `POST /files`: the file as a streamed multipart `content` part, refused before sending when it is known to
 * be over the limit. The asset's `url` is the file's `urls.get`, which goes into the prediction's `audio`
 * input; never a data URI (they bloat the request and the official client's encoder is defective).
 */
export async function upload(
  { http }: ReplicateApi,
  request: UploadRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  if (request.size !== undefined && request.size > MAX_FILE_BYTES) {
    await request.body.cancel().catch(() => undefined);
    throw new InvalidArgumentError(
      'source.size',
      `is ${request.size} bytes; Replicate files must be less than 100 MB`,
    );
  }
  const format = /\.([a-z0-9]+)$/i.exec(request.name)?.[1]?.toLowerCase();
  const contentType = request.contentType ?? (format ? mimeTypeOf(format) : 'application/octet-stream');
  const multipart = multipartFile({
    field: 'content',
    fileName: request.name,
    contentType,
    body: request.body,
    size: request.size,
  });
  const { data: file } = await http.call({
    method: 'POST',
    path: 'files',
    body: multipart.body,
    headers: { 'content-type': multipart.contentType },
    schema: ReplicateFile,
    idempotent: false,
    timeoutMs: false,
    signal: options.signal,
    what: `upload ${request.name}`,
  });
  return {
    id: file.id,
    name: request.name,
    role: 'source',
    ...(format ? { format } : {}),
    mimeType: file.content_type ?? contentType,
    url: file.urls.get,
    ...(file.expires_at ? { expiresAt: file.expires_at } : {}),
    ...(file.size !== undefined
      ? { sizeBytes: file.size }
      : request.size !== undefined
        ? { sizeBytes: request.size }
        : {}),
    provider: REPLICATE_PROVIDER,
    raw: file,
  };
}

import {
  type Asset,
  type DriverCallOptions,
  type HttpClient,
  type InspectResult,
  mimeTypeOf,
  UploadError,
  type UploadRequest,
} from '@stemkit/core';
import type { SourcereEndpoints } from './endpoints.ts';
import { CreateResponse, MetadataResponse, parseBody, utcTimestamp } from './schemas.ts';

/**
 * Creates an upload slot, then streams the file to the signed URL with the method the API gave and
 * `Content-Type: text/plain`, as documented. No credential is sent there. Resolves once the bytes are stored;
 * the metadata the API computes afterwards comes from {@link inspectUpload}.
 */
export async function uploadSource(
  http: HttpClient,
  endpoints: SourcereEndpoints,
  request: UploadRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  const { data: slot } = await http.call({
    method: 'POST',
    path: endpoints.create,
    json: {},
    schema: CreateResponse,
    idempotent: false,
    what: 'create an upload slot',
    signal: options.signal,
  });
  let sentBytes = 0;
  const { onProgress } = request;
  // Counting costs a stream hop per chunk: only when someone needs the count.
  const counted =
    onProgress || request.size === undefined
      ? request.body.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              sentBytes += chunk.byteLength;
              onProgress?.(sentBytes);
              controller.enqueue(chunk);
            },
          }),
        )
      : request.body;
  const response = await http.transfer(slot.signedUrl, {
    method: slot.method ?? 'PUT',
    body: counted,
    headers: { 'content-type': 'text/plain' },
    signal: options.signal,
    what: 'upload the source',
  });
  await response.body?.cancel();
  if (!response.ok) {
    throw new UploadError(
      `sourcere storage refused the upload of ${request.name} (${response.status})` +
        (response.status === 403 ? ': the signed upload URL expired or was altered' : ''),
      { provider: 'sourcere' },
    );
  }
  const format = /\.([a-z0-9]+)$/i.exec(request.name)?.[1]?.toLowerCase();
  return {
    id: slot.uploadId,
    name: request.name,
    role: 'source',
    format,
    mimeType: request.contentType ?? (format ? mimeTypeOf(format) : undefined),
    sizeBytes: request.size ?? sentBytes,
    provider: 'sourcere',
    raw: { uploadId: slot.uploadId, expiry: utcTimestamp(slot.expiry) },
  };
}

/**
 * Asks once for the metadata the API computes after an upload: 202 while computing; 200 with duration, channels
 * and sample rate; or 200 with `success: false` when the file is not decodable audio — an {@link UploadError}
 * carrying the provider's message.
 */
export async function inspectUpload(
  http: HttpClient,
  endpoints: SourcereEndpoints,
  asset: Asset,
  options: DriverCallOptions = {},
): Promise<InspectResult> {
  const what = 'read the upload metadata';
  const response = await http.call({
    method: 'GET',
    path: endpoints.metadata,
    searchParams: { uploadId: asset.id },
    what,
    signal: options.signal,
  });
  if (response.status === 202) return { ready: false, retryAfterMs: response.retryAfterMs };
  const metadata = parseBody(MetadataResponse, response.data, what, response.status);
  if (metadata.success === false) {
    throw new UploadError(
      `sourcere could not read ${asset.name}: ${metadata.message || 'the file is not decodable audio'}`,
      { provider: 'sourcere' },
    );
  }
  return {
    ready: true,
    asset: {
      ...asset,
      durationSeconds: metadata.duration ?? undefined,
      channels: metadata.numChannels ?? undefined,
      sampleRate: metadata.sampleRate ?? undefined,
      raw: { ...(asset.raw as object), metadata },
    },
  };
}

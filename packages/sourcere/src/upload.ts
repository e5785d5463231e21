import {
  type Asset,
  type DriverCallOptions,
  extensionOf,
  type InspectResult,
  mimeTypeOf,
  UploadError,
  type UploadRequest,
  uploadToSignedUrl,
} from '@stemkit/core/driver';
import type { SourcereApi } from './api.ts';
import { CreateResponse, MetadataResponse, utcTimestamp } from './wire.ts';

/**
 * Creates an upload slot, then streams the file to the signed URL with the method the API gave and
 * `Content-Type: text/plain`, as documented. No credential is sent there. Resolves once the bytes are stored;
 * the metadata the API computes afterwards comes from {@link inspect}.
 */
export async function upload(
  { http, endpoints, context }: SourcereApi,
  request: UploadRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  const { signal } = options;
  const slot = await uploadToSignedUrl(
    http,
    request,
    async () => {
      const { data } = await http.call({
        method: 'POST',
        path: endpoints.create,
        json: {},
        schema: CreateResponse,
        idempotent: false,
        what: 'create an upload slot',
        signal,
      });
      // The documented upload is `Content-Type: text/plain`, whatever the file.
      return {
        ...data,
        url: data.signedUrl,
        method: data.method ?? undefined,
        headers: { 'content-type': 'text/plain' },
      };
    },
    { signal },
  );
  const format = extensionOf(request.name);
  return {
    id: slot.uploadId,
    name: request.name,
    role: 'source',
    format,
    mimeType: request.contentType ?? (format ? mimeTypeOf(format) : undefined),
    sizeBytes: request.size,
    provider: context.provider,
    raw: { uploadId: slot.uploadId, expiry: utcTimestamp(slot.expiry) },
  };
}

/**
 * Asks once for the metadata the API computes after an upload: 202 while computing; 200 with duration, channels
 * and sample rate; or 200 with `success: false` when the file is not decodable audio — an {@link UploadError}
 * carrying the provider's message.
 */
export async function inspect(
  { http, endpoints, context }: SourcereApi,
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
  const metadata = context.parse(MetadataResponse, response.data, `the request to ${what}`, response.status);
  if (metadata.success === false) {
    throw new UploadError(
      `sourcere could not read ${asset.name}: ${metadata.message || 'the file is not decodable audio'}`,
      { provider: context.provider },
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

import {
  type Asset,
  type DriverCallOptions,
  type JobHandle,
  mimeTypeOf,
  type ZipRequest,
} from '@stemkit/core/driver';
import type { SourcereApi } from './api.ts';
import { producedFiles } from './mix.ts';
import { outputId } from './to-neutral.ts';
import { ZipResponse } from './wire.ts';

/** Zips output stems in one format at the provider; the zip downloads through the download endpoint. */
export async function zip(
  api: SourcereApi,
  handle: JobHandle,
  request: ZipRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  const tracks = producedFiles(api, handle, request.stems, (index) => `stems.${index}`);
  const { data } = await api.http.call({
    method: 'POST',
    path: api.endpoints.zip,
    json: { separationId: handle.id, tracks, format: request.format, zipFileName: request.name },
    schema: ZipResponse,
    idempotent: false,
    what: 'zip stems',
    signal: options.signal,
  });
  return {
    id: outputId(handle.id, data.zipFilePath),
    name: request.name ? `${request.name}.zip` : (data.zipFilePath.split('/').at(-1) ?? 'stems.zip'),
    role: 'archive',
    format: 'zip',
    mimeType: mimeTypeOf('zip'),
    provider: api.context.provider,
    raw: data,
  };
}

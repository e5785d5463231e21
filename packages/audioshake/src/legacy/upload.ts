import type { Asset, DriverCallOptions, UploadRequest } from '@stemkit/core/driver';
import { fileNameOfUrl } from '../shared/outputs.ts';
import { uploadFile } from '../shared/upload.ts';
import type { LegacyApi } from './api.ts';
import { assetOf } from './to-neutral.ts';
import { LegacyAssetSchema } from './wire.ts';

/** `POST /upload`: the file as a streamed multipart body; the asset keeps `name`, `format`, `fileType`, `link`. */
export async function upload(
  { http }: LegacyApi,
  request: UploadRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  return assetOf(await uploadFile(http, 'upload', request, LegacyAssetSchema, options.signal), 'source');
}

/** `POST /upload/link`: AudioShake fetches a public URL itself (sources and transcripts given by URL). */
export async function uploadLink({ http }: LegacyApi, link: string, signal?: AbortSignal): Promise<Asset> {
  const { data } = await http.call({
    method: 'POST',
    path: 'upload/link',
    json: { link, name: fileNameOfUrl(link) },
    schema: LegacyAssetSchema,
    idempotent: false,
    signal,
    what: 'upload from a link',
  });
  return assetOf(data, 'source');
}

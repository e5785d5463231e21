import {
  type Asset,
  type DriverCallOptions,
  type UploadRequest,
  uploadFromUrl,
  uploadMultipart,
} from '@stemkit/core/driver';
import type { LegacyApi } from './api.ts';
import { assetOf } from './to-neutral.ts';
import { LegacyAssetSchema } from './wire.ts';

/** `POST /upload`: the file as a streamed multipart body; the asset keeps `name`, `format`, `fileType`, `link`. */
export async function upload(
  { http }: LegacyApi,
  request: UploadRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  const asset = await uploadMultipart(http, request, {
    path: 'upload',
    schema: LegacyAssetSchema,
    signal: options.signal,
  });
  return assetOf(asset, 'source');
}

/** `POST /upload/link`: AudioShake fetches a public URL itself (sources and transcripts given by URL). */
export async function uploadLink({ http }: LegacyApi, link: string, signal?: AbortSignal): Promise<Asset> {
  const asset = await uploadFromUrl(http, link, {
    path: 'upload/link',
    schema: LegacyAssetSchema,
    urlField: 'link',
    signal,
  });
  return assetOf(asset, 'source');
}

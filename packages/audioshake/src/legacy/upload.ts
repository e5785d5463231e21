import type { Asset, UploadRequest } from '@stemkit/core';
import { fileNameOfUrl } from '../shared/assets.ts';
import type { AudioShakeHttp } from '../shared/http.ts';
import { legacyAssetToNeutral } from './mapping.ts';
import { LegacyAssetSchema } from './schemas.ts';

/**
 * `POST /upload`: the file as a streamed multipart body. The asset keeps `name`, `format`, `fileType`, `link`.
 *
 * @example
 * ```ts
 * const asset = await uploadLegacyFile(http, { body, name: 'song.mp3' });
 * ```
 */
export async function uploadLegacyFile(
  http: AudioShakeHttp,
  request: UploadRequest,
  signal?: AbortSignal,
): Promise<Asset> {
  const asset = await http.uploadFile('upload', request, LegacyAssetSchema, signal);
  return legacyAssetToNeutral(asset).value;
}

/**
 * `POST /upload/link`: AudioShake fetches a public URL itself (also used for transcripts given by URL).
 *
 * @example
 * ```ts
 * const asset = await uploadLegacyLink(http, 'https://example.com/song.mp3');
 * ```
 */
export async function uploadLegacyLink(
  http: AudioShakeHttp,
  link: string,
  signal?: AbortSignal,
): Promise<Asset> {
  const { data } = await http.api.call({
    method: 'POST',
    path: 'upload/link',
    json: { link, name: fileNameOfUrl(link) },
    schema: LegacyAssetSchema,
    idempotent: false,
    signal,
    what: 'upload link',
  });
  return legacyAssetToNeutral(data).value;
}

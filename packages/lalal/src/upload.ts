import type { Asset, DriverCallOptions, UploadRequest } from '@stemkit/core/driver';
import { create as contentDisposition } from 'content-disposition';
import type { LalalApi } from './api.ts';
import { sourceAssetOf } from './to-neutral.ts';
import { UploadResponse } from './wire.ts';

/**
 * `POST upload/`: the raw bytes, the name in `Content-Disposition` (a UTF-8 name as RFC 6266's `filename*`, with
 * an ASCII fallback, written by the `content-disposition` package). The answer fills the asset.
 */
export async function upload(
  { http }: LalalApi,
  request: UploadRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  const { data } = await http.call({
    method: 'POST',
    path: 'upload/',
    body: request.body,
    headers: {
      'content-disposition': contentDisposition(request.name),
      'content-type': 'application/octet-stream',
    },
    schema: UploadResponse,
    what: 'upload the source',
    signal: options.signal,
  });
  return sourceAssetOf(data);
}

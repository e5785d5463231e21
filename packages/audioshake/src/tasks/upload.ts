import type { Asset, DriverCallOptions, UploadRequest } from '@stemkit/core/driver';
import { uploadFile } from '../shared/upload.ts';
import type { TasksApi } from './api.ts';
import { assetOf } from './to-neutral.ts';
import { TasksAssetSchema } from './wire.ts';

/** `POST /assets`: the file as a streamed multipart body. The asset is deleted after 72 h (`expiresAt`). */
export async function upload(
  { http, context }: TasksApi,
  request: UploadRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  const asset = await uploadFile(http, 'assets', request, TasksAssetSchema, options.signal);
  return assetOf(asset, context.now());
}

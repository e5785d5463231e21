import {
  type Asset,
  type DriverCallOptions,
  type UploadRequest,
  uploadMultipart,
} from '@stemkit/core/driver';
import type { TasksApi } from './api.ts';
import { assetOf } from './to-neutral.ts';
import { TasksAssetSchema } from './wire.ts';

/** `POST /assets`: the file as a streamed multipart body. The asset is deleted after 72 h (`expiresAt`). */
export async function upload(
  { http, context }: TasksApi,
  request: UploadRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  const asset = await uploadMultipart(http, request, {
    path: 'assets',
    schema: TasksAssetSchema,
    signal: options.signal,
  });
  return assetOf(asset, context.now());
}

import type { Asset, UploadRequest } from '@stemkit/core';
import type { AudioShakeHttp } from '../shared/http.ts';
import { tasksAssetToNeutral } from './mapping.ts';
import { TasksAssetSchema } from './schemas.ts';

/**
 * `POST /assets`: the file as a streamed multipart body. The asset is deleted after 72 h (`expiresAt`).
 *
 * @example
 * ```ts
 * const asset = await uploadTasksAsset(http, { body, name: 'song.mp3' }, Date.now());
 * ```
 */
export async function uploadTasksAsset(
  http: AudioShakeHttp,
  request: UploadRequest,
  now: number,
  signal?: AbortSignal,
): Promise<Asset> {
  const asset = await http.uploadFile('assets', request, TasksAssetSchema, signal);
  return tasksAssetToNeutral(asset, now).value;
}

import type { Asset, DriverCallOptions } from '@stemkit/core/driver';
import type { LalalApi } from './api.ts';

/** `POST delete/`: removes the source and every result made from it (running tasks on it are cancelled). */
export async function deleteSource(
  api: LalalApi,
  asset: Asset,
  options: DriverCallOptions = {},
): Promise<void> {
  await api.http.call({
    method: 'POST',
    path: 'delete/',
    json: { source_id: asset.id },
    idempotent: true,
    what: 'delete the source',
    signal: options.signal,
  });
}

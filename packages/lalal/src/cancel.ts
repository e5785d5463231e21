import type { DriverCallOptions, JobHandle } from '@stemkit/core/driver';
import type { LalalApi } from './api.ts';
import { HandleData } from './handle.ts';
import { CancelResponse } from './wire.ts';

/**
 * `POST cancel/` with the job's tasks. A task already finished answers "Task is not in progress state", which
 * is no failure: the job is over either way.
 */
export async function cancel(
  api: LalalApi,
  handle: JobHandle,
  options: DriverCallOptions = {},
): Promise<void> {
  const { parts } = api.context.readHandle(handle, HandleData);
  await api.http.call({
    method: 'POST',
    path: 'cancel/',
    json: { task_ids: parts },
    idempotent: true,
    schema: CancelResponse,
    what: 'cancel the tasks',
    signal: options.signal,
  });
}

/** `POST cancel/all/`: cancels every task of the licence still in progress; resolves with their ids. */
export async function cancelAll(api: LalalApi, options: DriverCallOptions = {}): Promise<string[]> {
  const { data } = await api.http.call({
    method: 'POST',
    path: 'cancel/all/',
    idempotent: true,
    schema: CancelResponse,
    what: 'cancel every task',
    signal: options.signal,
  });
  return Object.keys(data.result);
}

import { InvalidArgumentError } from '../errors.ts';
import type { Asset } from '../model/asset.ts';
import type { Job } from '../model/job.ts';
import type { Usage } from '../model/usage.ts';
import { parseArgument } from '../validation.ts';
import { requireCapability } from './capabilities.ts';
import type { ClientContext } from './context.ts';
import { toHandle } from './handles.ts';
import { CallOptionsSchema, GetOptionsSchema, ListOptionsSchema } from './schemas.ts';
import { throwIfAborted } from './sleep.ts';
import type { CallOptions, GetOptions, JobReference, ListOptions } from './types.ts';

/** The job as it is now: one status request. */
export async function get(
  context: ClientContext,
  reference: JobReference,
  input: GetOptions = {},
): Promise<Job> {
  const handle = toHandle(context, reference);
  const { signal, retry } = parseArgument(GetOptionsSchema, input, '');
  const { job } = await context.driver.status(handle, retry === undefined ? { signal } : { signal, retry });
  context.owners.remember(job);
  return job;
}

/** Asks the provider to stop a job; an unsupported capability when the driver cannot. */
export async function cancel(
  context: ClientContext,
  reference: JobReference,
  input: CallOptions = {},
): Promise<void> {
  const handle = toHandle(context, reference);
  const { signal } = parseArgument(CallOptionsSchema, input, '');
  const { driver } = context;
  requireCapability(context, 'cancel', driver.cancel !== undefined);
  await driver.cancel!(handle, { signal });
}

/** Validates eagerly (so a bad argument throws at the call), then pages lazily. */
export function list(context: ClientContext, input: ListOptions = {}): AsyncIterable<Job> {
  const { pageSize = 50, signal } = parseArgument(ListOptionsSchema, input, '');
  const { driver } = context;
  requireCapability(context, 'list', driver.list !== undefined);
  return {
    async *[Symbol.asyncIterator]() {
      let cursor: string | undefined;
      do {
        throwIfAborted(signal);
        const page = await driver.list!({ cursor, pageSize }, { signal });
        for (const job of page.jobs) {
          context.owners.remember(job);
          yield job;
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    },
  };
}

/** The account's usage statistics: one request; an unsupported capability when the driver reports none. */
export async function usage(context: ClientContext, input: CallOptions = {}): Promise<Usage> {
  const { signal } = parseArgument(CallOptionsSchema, input, '');
  const { driver } = context;
  requireCapability(context, 'usage', driver.usage !== undefined);
  return driver.usage!({ signal });
}

/**
 * Deletes an uploaded source with every result made from it: one request; an unsupported capability when the
 * driver cannot delete. Outputs already downloaded stay where they are.
 */
export async function deleteSource(
  context: ClientContext,
  asset: Asset,
  input: CallOptions = {},
): Promise<void> {
  const { signal } = parseArgument(CallOptionsSchema, input, '');
  const { driver } = context;
  requireCapability(context, 'deleteSource', driver.deleteSource !== undefined);
  if (typeof asset !== 'object' || asset === null || asset.provider !== driver.provider) {
    throw new InvalidArgumentError('asset', `must be an asset of ${driver.provider}`);
  }
  await driver.deleteSource!(asset, { signal });
}

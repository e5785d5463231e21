import { InvalidArgumentError } from '../errors.ts';
import { type JobHandle, readHandle } from '../model/handle.ts';
import type { Job } from '../model/job.ts';
import type { ClientContext } from './context.ts';
import type { JobReference } from './types.ts';

/** Whether a job reference is a whole job (it carries its state) rather than a bare handle. */
export function isJob(reference: unknown): reference is Job {
  return (
    typeof reference === 'object' &&
    reference !== null &&
    'handle' in reference &&
    'targets' in reference &&
    'status' in reference
  );
}

/**
 * Reads any job reference (job, handle, JSON text, token) into a handle for this client's provider; anything
 * else is an InvalidArgumentError naming `field`.
 */
export function toHandle(
  context: ClientContext,
  reference: JobReference | unknown,
  field = 'job',
): JobHandle {
  const handle = readHandle(isJob(reference) ? reference.handle : reference);
  if (!handle) {
    throw new InvalidArgumentError(field, 'must be a Job, a job handle, its JSON text or its token');
  }
  if (handle.provider !== context.driver.provider) {
    throw new InvalidArgumentError(
      field,
      `belongs to provider "${handle.provider}", but this client drives "${context.driver.provider}"`,
    );
  }
  return handle;
}

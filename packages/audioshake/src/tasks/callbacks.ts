import { type CallbackHint, type CallbackRequest, InvalidArgumentError } from '@stemkit/core/driver';
import type { TasksApi } from './api.ts';
import { toJob } from './to-neutral.ts';
import { TasksTaskSchema } from './wire.ts';

/**
 * Reads a Tasks webhook: one POST per target that reaches `completed` or `error`, with the whole task as body
 * (other targets may still be processing). The hint's `event` is the job status derived from that body; the
 * job is confirmed with `GET /tasks/:id`, since webhooks are unsigned. It is also the `claimedStatus`: `running` while
 * other targets are still processing. Deduplicate on
 * `(task.id, target.id, target.status)` if you act on the body itself.
 */
export function parseCallback({ context }: TasksApi, request: CallbackRequest): CallbackHint {
  const body = typeof request.body === 'string' ? parseJsonText(request.body) : request.body;
  const job = toJob(context.parse(TasksTaskSchema, body, 'a webhook body'), context.now());
  return { handle: job.handle, event: job.status, claimedStatus: job.status };
}

/** A webhook body sent as text: anything but JSON is refused with a typed error, never a `SyntaxError`. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidArgumentError('body', 'must be JSON');
  }
}

import { type CallbackHint, type CallbackRequest, InvalidArgumentError } from '@stemkit/core';
import { taskToNeutral } from './mapping.ts';

/**
 * Reads a Tasks webhook: one POST per target that reaches `completed` or `error`, with the whole task as body
 * (other targets may still be processing). The hint's `event` is the job status derived from that body; the
 * job is confirmed with `GET /tasks/:id`, since webhooks are unsigned. Deduplicate on
 * `(task.id, target.id, target.status)` if you act on the body itself.
 *
 * @example
 * ```ts
 * const hint = parseTasksWebhook({ headers: request.headers, body: await request.json() });
 * const job = await stemkit.get(hint.handle);
 * ```
 */
export function parseTasksWebhook(request: CallbackRequest): CallbackHint {
  const { value: job } = taskToNeutral(
    typeof request.body === 'string' ? parseJsonText(request.body) : request.body,
  );
  return { handle: job.handle, event: job.status };
}

/** A webhook body sent as text: anything but JSON is refused with a typed error, never a `SyntaxError`. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidArgumentError('body', 'must be JSON');
  }
}

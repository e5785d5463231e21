import { type CallbackHint, type CallbackRequest, parseArgument } from '@stemkit/core/driver';
import type { SourcereApi } from './api.ts';
import { stemOfFile } from './catalog.ts';
import { CallbackBody } from './wire.ts';

/**
 * Reads the body Sourcere POSTs to `callbackUrl` when a separation finishes or fails:
 * `{separationId, customMetadata, outputFiles, event}`. It is unsigned, so it is only a hint: confirm with
 * `status` (the client's `callbacks.parse` does). The body does not say which stems were asked for, so the handle
 * lists those of `outputFiles`, in WAV; prefer the handle saved at start when you have it.
 */
export function parseCallback({ context }: SourcereApi, request: CallbackRequest): CallbackHint {
  const body = parseArgument(CallbackBody, request.body, 'body');
  const stems = body.outputFiles?.length ? body.outputFiles.map(stemOfFile) : undefined;
  const handle = context.handle(body.separationId, {
    data: { stems, formats: stems && ['wav'], customMetadata: body.customMetadata ?? undefined },
  });
  const event = typeof body.event === 'string' ? body.event : body.event?.event;
  // Sent when a separation finishes or fails: files mean it finished, a `Failed` event that it failed.
  const claimedStatus = body.outputFiles?.length ? 'succeeded' : event === 'Failed' ? 'failed' : undefined;
  return { handle, event, ...(claimedStatus ? { claimedStatus } : {}) };
}

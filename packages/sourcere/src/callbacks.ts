import { type CallbackHint, type CallbackRequest, parseArgument } from '@stemkit/core';
import { stemOfFile } from './catalog.ts';
import { createHandle } from './handle.ts';
import { CallbackBody } from './schemas.ts';

/**
 * Reads the body Sourcere POSTs to `callbackUrl` when a separation finishes or fails:
 * `{separationId, customMetadata, outputFiles, event}`. It is unsigned, so it is only a hint: confirm with
 * `status` (the client's `callbacks.parse` does). The body does not say which stems were asked for, so the handle
 * lists those of `outputFiles`, in WAV; prefer the handle saved at start when you have it.
 */
export function parseCallback(request: CallbackRequest): CallbackHint {
  const body = parseArgument(CallbackBody, request.body, 'body');
  const stems = body.outputFiles?.length ? body.outputFiles.map(stemOfFile) : undefined;
  const handle = createHandle(body.separationId, {
    stems,
    formats: stems && ['wav'],
    customMetadata: body.customMetadata ?? undefined,
  });
  const event = typeof body.event === 'string' ? body.event : body.event?.event;
  return { handle, event };
}

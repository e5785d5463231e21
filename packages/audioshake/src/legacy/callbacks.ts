import type { CallbackHint, CallbackRequest } from '@stemkit/core/driver';
import type { LegacyApi } from './api.ts';
import { legacyStatusToNeutral } from './to-neutral.ts';
import { LegacyJobSchema, unwrapJob } from './wire.ts';

/**
 * Reads a legacy callback: the job, wrapped in `{ job }` or bare (the docs disagree), as a handle to re-fetch.
 * The callback is only a hint: its payload is unsigned, so the job is confirmed with `GET /job/:id`. The handle
 * names the one legacy job called about; a neutral job fanned out over several jobs gets one callback per job.
 */
export function parseCallback({ context }: LegacyApi, request: CallbackRequest): CallbackHint {
  const body = typeof request.body === 'string' ? parseJsonText(request.body) : request.body;
  const job = context.parse(LegacyJobSchema, unwrapJob(body), 'a callback body');
  return {
    handle: context.handle(job.id, { parts: [job.id] }),
    // One legacy job's status: the claim of a fanned-out neutral job's one part.
    ...(job.status ? { event: job.status, claimedStatus: legacyStatusToNeutral(job.status) } : {}),
  };
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

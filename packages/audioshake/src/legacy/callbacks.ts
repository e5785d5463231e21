import type { CallbackHint, CallbackRequest } from '@stemkit/core';
import { parseOrThrow } from '../shared/wire.ts';
import { LEGACY_PROVIDER, unwrapJob } from './mapping.ts';
import { LegacyJobSchema } from './schemas.ts';

/**
 * Reads a legacy callback: the job, wrapped in `{ job }` or bare (the docs disagree), as a handle to re-fetch.
 * The callback is only a hint: its payload is unsigned, so the job is confirmed with `GET /job/:id`. The handle
 * names the one legacy job called about; a neutral job fanned out over several jobs gets one callback per job.
 *
 * @example
 * ```ts
 * const hint = parseLegacyCallback({ headers: request.headers, body: await request.json() });
 * const job = await stemkit.get(hint.handle);
 * ```
 */
export function parseLegacyCallback(request: CallbackRequest): CallbackHint {
  const body = typeof request.body === 'string' ? parseJsonText(request.body) : request.body;
  const job = parseOrThrow(LegacyJobSchema, unwrapJob(body), 'callback body', LEGACY_PROVIDER);
  return {
    handle: { contract: 1, provider: LEGACY_PROVIDER, id: job.id, parts: [job.id] },
    ...(job.status ? { event: job.status } : {}),
  };
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

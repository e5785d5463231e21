import {
  type Asset,
  type DriverCallOptions,
  type StartRequest,
  type StartResult,
  summarizeSource,
} from '@stemkit/core/driver';
import type { SourcereApi } from './api.ts';
import { algorithmOf } from './catalog.ts';
import type { HandleData } from './handle.ts';
import { toJob } from './to-neutral.ts';
import { StartResponse } from './wire.ts';

/**
 * Starts one separation (`POST /separation/start`, or `/trial` for a section): the algorithm follows from the
 * stems, and the neutral job has one target per requested stem, sharing the separation's status.
 */
export async function start(
  api: SourcereApi,
  request: StartRequest,
  options: DriverCallOptions = {},
): Promise<StartResult> {
  const { http, endpoints, context } = api;
  // Sourcere declares no `urlInput`, so the client always passes an uploaded asset.
  const { asset } = request.source as { readonly asset: Asset };
  const startedAt = new Date(context.now()).toISOString();
  const stems = request.targets.map((target) => target.stem);
  const formats = [...new Set(request.targets.flatMap((target) => target.formats))];
  const { trial } = request;
  const { data } = await http.call({
    method: 'POST',
    path: trial ? endpoints.trial : endpoints.start,
    json: {
      uploadId: asset.id,
      separationAlgorithm: algorithmOf(stems),
      customMetadata: request.metadata,
      callbackUrl: request.callbackUrl,
      // The API always writes WAV; other formats asked up front are encoded during the separation.
      outputFormats: formats.some((format) => format !== 'wav') ? formats : undefined,
      priority: request.priority,
      trialSectionStart: trial?.start,
      trialSectionSeconds: trial?.seconds,
      ...request.providerOptions,
    },
    schema: StartResponse,
    idempotent: false,
    what: trial ? 'start a trial separation' : 'start a separation',
    signal: options.signal,
  });
  const handleData: HandleData = {
    stems,
    formats,
    trial,
    customMetadata: request.metadata,
    startedAt,
    source: summarizeSource(request.source),
    callbackUrl: request.callbackUrl,
  };
  const handle = context.handle(data.separationId, { data: handleData });
  const job = toJob(
    handle,
    handleData,
    { events: [], outputFiles: null },
    {
      now: context.now(),
      stallTimeoutMs: api.stallTimeoutMs,
    },
  );
  return { handle, job };
}

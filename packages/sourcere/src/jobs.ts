import {
  type DriverCallOptions,
  type HttpClient,
  type JobHandle,
  parseArgument,
  type StartRequest,
  type StartResult,
  type StatusResult,
  UnsupportedCapabilityError,
} from '@stemkit/core';
import * as z from 'zod/mini';
import { chooseAlgorithm, neutralStem, requireFormat } from './catalog.ts';
import { createHandle, readHandle } from './handle.ts';
import { type MappingContext, toJob } from './mapping.ts';
import type { ResolvedOptions } from './options.ts';
import { ProgressResponse, StartResponse } from './schemas.ts';

const Trial = z.object({
  start: z.optional(z.number().check(z.gte(0))),
  seconds: z.optional(z.number().check(z.gt(0))),
});

/**
 * Checks a request against everything Sourcere cannot do, sending nothing (the driver's `validate`): the
 * algorithm comes from the stems, formats must be ones the download endpoint delivers, a trial must make sense.
 */
export function checkSeparation(request: Omit<StartRequest, 'source'>) {
  for (const target of request.targets) {
    const option = (['residual', 'variant', 'language', 'transcript'] as const).find((key) => target[key]);
    if (option) {
      throw new UnsupportedCapabilityError(option, `sourcere has no ${option} option for a stem`);
    }
  }
  const stems = request.targets.map((target) => neutralStem(target.stem));
  const algorithm = chooseAlgorithm(stems);
  const formats = [...new Set(request.targets.flatMap((target) => target.formats.map(requireFormat)))];
  const trial = request.trial && parseArgument(Trial, request.trial, 'trial');
  return { stems, algorithm, formats, trial };
}

/** The body of `POST /separation/start` (or `/trial`), checked before any request. */
function separationBody(request: StartRequest) {
  if (!('asset' in request.source)) {
    throw new UnsupportedCapabilityError('url-input', 'sourcere separates uploaded files only: upload first');
  }
  const { stems, algorithm, formats, trial } = checkSeparation(request);
  const json = {
    uploadId: request.source.asset.id,
    separationAlgorithm: algorithm,
    customMetadata: request.metadata,
    callbackUrl: request.callbackUrl,
    // The API always writes WAV; other formats asked up front are encoded during the separation.
    outputFormats: formats.some((format) => format !== 'wav') ? formats : undefined,
    priority: request.priority,
    trialSectionStart: trial?.start,
    trialSectionSeconds: trial?.seconds,
    ...request.providerOptions,
  };
  return { json, stems, formats: formats.length > 0 ? formats : ['wav'], trial };
}

/** Starts one separation: the neutral job has one target per requested stem, sharing its status. */
export async function startSeparation(
  http: HttpClient,
  options: ResolvedOptions,
  request: StartRequest,
  callOptions: DriverCallOptions = {},
): Promise<StartResult> {
  const { json, stems, formats, trial } = separationBody(request);
  const startedAt = new Date().toISOString();
  const { data } = await http.call({
    method: 'POST',
    path: trial ? options.endpoints.trial : options.endpoints.start,
    json,
    schema: StartResponse,
    idempotent: false,
    what: trial ? 'start a trial separation' : 'start a separation',
    signal: callOptions.signal,
  });
  const handleData = { stems, formats, trial, customMetadata: request.metadata, startedAt };
  const handle = createHandle(data.separationId, handleData);
  const job = toJob(handle, handleData, { events: [], outputFiles: null }, context(options));
  return { handle, job };
}

/** Reads the progress endpoint once and maps it onto the neutral job. */
export async function separationStatus(
  http: HttpClient,
  options: ResolvedOptions,
  handle: JobHandle,
  callOptions: DriverCallOptions = {},
): Promise<StatusResult> {
  const { separationId, data } = readHandle(handle);
  const response = await http.call({
    method: 'GET',
    path: options.endpoints.progress,
    searchParams: { separationId },
    schema: ProgressResponse,
    what: 'read the separation progress',
    signal: callOptions.signal,
  });
  return { job: toJob(handle, data, response.data, context(options)), retryAfterMs: response.retryAfterMs };
}

function context(options: ResolvedOptions): MappingContext {
  return { now: Date.now(), stallTimeoutMs: options.stallTimeoutMs };
}

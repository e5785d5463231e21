import {
  type Asset,
  type DriverCallOptions,
  InvalidArgumentError,
  type JobHandle,
  type MixRequest,
  mimeTypeOf,
  type StemName,
} from '@stemkit/core/driver';
import type { SourcereApi } from './api.ts';
import { fileBaseOf } from './catalog.ts';
import { HandleData } from './handle.ts';
import { outputId } from './to-neutral.ts';
import { MixResponse } from './wire.ts';

/**
 * The Sourcere file base names of stems the job asked for: the rule core's client applies to a job, on the
 * stems the handle records (Sourcere separates every stem of its algorithm, but a stem not asked for is not the
 * job's). A handle without stems (from a callback) cannot tell, so it lets the API judge.
 */
export function producedFiles(
  { context }: SourcereApi,
  handle: JobHandle,
  stems: readonly StemName[],
  fieldOf: (index: number) => string,
): string[] {
  const { data } = context.readHandle(handle, HandleData);
  const asked = data.stems;
  return stems.map((stem, index) => {
    if (asked && !asked.includes(stem)) {
      throw new InvalidArgumentError(
        fieldOf(index),
        `job ${handle.id} has no finished "${stem}" stem (it has ${asked.join(', ')})`,
      );
    }
    return fileBaseOf(stem);
  });
}

/**
 * Mixes output stems at the provider (`volume` 0–1, `pan` −1 left to 1 right). The mix downloads like any
 * output, through the download endpoint (202 until ready).
 */
export async function mix(
  api: SourcereApi,
  handle: JobHandle,
  request: MixRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  const files = producedFiles(
    api,
    handle,
    request.tracks.map((track) => track.stem),
    (index) => `tracks.${index}.stem`,
  );
  const format = request.format ?? 'wav';
  const { data } = await api.http.call({
    method: 'POST',
    path: api.endpoints.mix,
    json: {
      separationId: handle.id,
      tracks: request.tracks.map((track, index) => ({
        fileName: `${files[index]}.wav`,
        volume: track.volume,
        pan: track.pan,
      })),
      mixName: request.name,
    },
    schema: MixResponse,
    idempotent: false,
    what: 'mix stems',
    signal: options.signal,
  });
  return {
    id: outputId(handle.id, data.mixId),
    name: `${request.name ?? data.mixId.split('/').at(-1)}.${format}`,
    role: 'mix',
    format,
    mimeType: mimeTypeOf(format),
    provider: api.context.provider,
    raw: data,
  };
}

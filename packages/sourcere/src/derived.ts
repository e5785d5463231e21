import {
  type Asset,
  type DriverCallOptions,
  type HttpClient,
  InvalidArgumentError,
  type JobHandle,
  type MixRequest,
  mimeTypeOf,
  parseArgument,
  type StemName,
  type ZipRequest,
} from '@stemkit/core';
import * as z from 'zod/mini';
import { outputId } from './asset-ids.ts';
import { ALGORITHM_STEMS, chooseAlgorithm, fileBaseOf, neutralStem, requireFormat } from './catalog.ts';
import type { SourcereEndpoints } from './endpoints.ts';
import { readHandle } from './handle.ts';
import { MixResponse, ZipResponse } from './schemas.ts';

const MixTracks = z
  .array(
    z.object({
      stem: z.string(),
      volume: z.number().check(z.gte(0), z.lte(1)),
      pan: z.number().check(z.gte(-1), z.lte(1)),
    }),
  )
  .check(z.minLength(1));

/**
 * The Sourcere file base names of stems the separation produced. Every stem of its algorithm counts, asked for
 * or not (Sourcere separates them all); a handle without stems (from a callback) cannot tell, so it lets the
 * API judge.
 */
function producedFiles(handle: JobHandle, stems: readonly StemName[], field: string): string[] {
  const { data } = readHandle(handle);
  const produced = data.stems ? ALGORITHM_STEMS[chooseAlgorithm(data.stems)] : undefined;
  return stems.map((requested, index) => {
    const stem = neutralStem(requested);
    if (produced && !produced.includes(stem)) {
      throw new InvalidArgumentError(
        `${field}.${index}`,
        `"${requested}" is not an output of this separation (${produced.join(', ')})`,
      );
    }
    return fileBaseOf(stem);
  });
}

/**
 * Mixes output stems at the provider (`volume` 0–1, `pan` −1 left to 1 right, both checked before sending).
 * The mix downloads like any output, through the download endpoint (202 until ready).
 */
export async function mixStems(
  http: HttpClient,
  endpoints: SourcereEndpoints,
  handle: JobHandle,
  request: MixRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  const tracks = parseArgument(MixTracks, request.tracks, 'tracks');
  const files = producedFiles(
    handle,
    tracks.map((track) => track.stem),
    'tracks',
  );
  const format = requireFormat(request.format ?? 'wav');
  const { data } = await http.call({
    method: 'POST',
    path: endpoints.mix,
    json: {
      separationId: handle.id,
      tracks: tracks.map((track, index) => ({
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
    provider: 'sourcere',
    raw: data,
  };
}

/** Zips output stems in one format at the provider; the zip downloads through the download endpoint. */
export async function zipStems(
  http: HttpClient,
  endpoints: SourcereEndpoints,
  handle: JobHandle,
  request: ZipRequest,
  options: DriverCallOptions = {},
): Promise<Asset> {
  if (request.stems.length === 0) throw new InvalidArgumentError('stems', 'name at least one stem');
  const tracks = producedFiles(handle, request.stems, 'stems');
  const format = requireFormat(request.format);
  const { data } = await http.call({
    method: 'POST',
    path: endpoints.zip,
    json: { separationId: handle.id, tracks, format, zipFileName: request.name },
    schema: ZipResponse,
    idempotent: false,
    what: 'zip stems',
    signal: options.signal,
  });
  return {
    id: outputId(handle.id, data.zipFilePath),
    name: request.name ? `${request.name}.zip` : (data.zipFilePath.split('/').at(-1) ?? 'stems.zip'),
    role: 'archive',
    format: 'zip',
    mimeType: mimeTypeOf('zip'),
    provider: 'sourcere',
    raw: data,
  };
}

import {
  type DriverCallOptions,
  type JobHandle,
  type LinkRequest,
  type LinkResult,
  UnsupportedCapabilityError,
} from '@stemkit/core/driver';
import type { SourcereApi } from './api.ts';
import { outputFileName } from './to-neutral.ts';
import { DownloadResponse, utcTimestamp } from './wire.ts';

/**
 * The download endpoint's `fileName` and `fileFormat` for an asset (ids are `<separationId>/<fileName>`): a
 * stem's file name loses its extension (`track.wav` → `track`, converted on the fly to any of mp3, m4a, wav,
 * flac); a mix keeps its name (`mix/mix_<uuid>`); a zip keeps its `.zip` and always comes as `zip`.
 */
function downloadParameters(
  separationId: string,
  request: LinkRequest,
): { fileName: string; fileFormat: string } {
  const { asset } = request;
  const fileName = outputFileName(separationId, asset);
  if (asset.role === 'archive') {
    if (request.format !== undefined && request.format !== 'zip') {
      throw new UnsupportedCapabilityError(
        `format:${request.format}`,
        `a sourcere zip downloads as zip only, not ${request.format}`,
      );
    }
    return { fileName, fileFormat: 'zip' };
  }
  return {
    fileName: fileName.replace(/\.(?:mp3|m4a|wav|flac)$/i, ''),
    fileFormat: request.format ?? asset.format ?? 'wav',
  };
}

/**
 * Asks once for a fresh signed link to one output: 202 while the file is prepared (a conversion, a mix, a zip);
 * 200 with the link, its method and its expiry (zone-less UTC in the API, ISO-8601 here). Asking again is how
 * an expired link is refreshed.
 */
export async function link(
  { http, endpoints, context }: SourcereApi,
  handle: JobHandle,
  request: LinkRequest,
  options: DriverCallOptions = {},
): Promise<LinkResult> {
  const { id: separationId } = context.readHandle(handle);
  const parameters = downloadParameters(separationId, request);
  const what = `get a download link for ${parameters.fileName}`;
  // Built by hand: the documented URLs keep the `/` of `mix/…` and `zip/…` file names unescaped.
  const query = Object.entries({ separationId, ...parameters })
    .map(([name, value]) => `${name}=${encodeURIComponent(value).replaceAll('%2F', '/')}`)
    .join('&');
  const response = await http.call({
    method: 'GET',
    path: `${endpoints.download}?${query}`,
    what,
    signal: options.signal,
  });
  if (response.status === 202) return { ready: false, retryAfterMs: response.retryAfterMs };
  const signed = context.parse(DownloadResponse, response.data, `the request to ${what}`, response.status);
  return {
    ready: true,
    url: signed.signedUrl,
    expiresAt: utcTimestamp(signed.expiry),
    method: signed.method ?? 'GET',
  };
}

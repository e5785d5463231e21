import type * as z from 'zod/mini';
import { UploadError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { multipartFile } from '../../http/multipart.ts';
import { mimeTypeOf } from '../../model/names.ts';
import type { UploadRequest } from '../contract.ts';
import { extensionOf, fileNameOfUrl } from './outputs.ts';

// The upload presets: the four ways providers take a file (a multipart form, the raw body named by
// Content-Disposition, a signed PUT after a create call, a URL the provider fetches). Every one is one
// non-idempotent request without a timeout: a large file takes its time, and the caller's signal rules.

/**
 * A `Content-Disposition: attachment` header naming a file (RFC 6266): a quoted ASCII `filename` (anything
 * outside printable ASCII becomes `?`, quotes and backslashes are escaped, so no CR or LF can end the header),
 * plus an RFC 8187 `filename*` in UTF-8 when the name is not plain ASCII. Written here rather than with the
 * `content-disposition` package: that one is for Node servers, and its license banner alone would ride along
 * in every app bundle that includes a driver, used or not.
 *
 * @example
 * ```ts
 * attachmentDisposition('Sigur Rós.wav'); // `attachment; filename="Sigur R?s.wav"; filename*=UTF-8''Sigur%20R%C3%B3s.wav`
 * ```
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '?');
  const quoted = `attachment; filename="${ascii.replace(/["\\]/g, '\\$&')}"`;
  if (ascii === fileName) return quoted;
  // RFC 8187 attr-char: encodeURIComponent leaves ' ( ) * unescaped, which are not attr-chars.
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${quoted}; filename*=UTF-8''${encoded}`;
}

/** The content type of an upload: the caller's, else from the name's extension, else `application/octet-stream`. */
export function uploadContentType(request: UploadRequest): string {
  return request.contentType ?? mimeTypeOf(extensionOf(request.name) ?? '');
}

/** Where and how a preset sends the file. */
export interface UploadPresetOptions<Schema extends z.ZodMiniType> {
  /** The path under the API's base URL (`upload`, `assets`). */
  readonly path: string;
  /** The lenient schema of the provider's answer. */
  readonly schema: Schema;
  /** Aborts the upload. */
  readonly signal?: AbortSignal;
}

/**
 * Posts the file as a streamed `multipart/form-data` body with one file part (`field`, default `file`).
 */
export async function uploadMultipart<Schema extends z.ZodMiniType>(
  http: HttpClient,
  request: UploadRequest,
  options: UploadPresetOptions<Schema> & { readonly field?: string },
): Promise<z.output<Schema>> {
  const multipart = multipartFile({
    field: options.field ?? 'file',
    fileName: request.name,
    contentType: uploadContentType(request),
    body: request.body,
    size: request.size,
  });
  const { data } = await http.call({
    method: 'POST',
    path: options.path,
    body: multipart.body,
    headers: { 'content-type': multipart.contentType },
    schema: options.schema,
    idempotent: false,
    timeoutMs: false,
    signal: options.signal,
    what: `upload ${request.name}`,
  });
  return data;
}

/**
 * Sends the file as the raw request body, named by a `Content-Disposition: attachment` header (RFC 6266, with
 * an RFC 8187 `filename*` for names outside ASCII and a quoted ASCII fallback) and typed by `Content-Type`.
 */
export async function uploadRaw<Schema extends z.ZodMiniType>(
  http: HttpClient,
  request: UploadRequest,
  options: UploadPresetOptions<Schema> & {
    /** The HTTP method (default `POST`). */
    readonly method?: 'POST' | 'PUT';
  },
): Promise<z.output<Schema>> {
  const { data } = await http.call({
    method: options.method ?? 'POST',
    path: options.path,
    body: request.body,
    headers: {
      'content-type': uploadContentType(request),
      'content-disposition': attachmentDisposition(request.name),
    },
    schema: options.schema,
    idempotent: false,
    timeoutMs: false,
    signal: options.signal,
    what: `upload ${request.name}`,
  });
  return data;
}

/** A signed upload slot a create call answered: where to send the bytes, and how. */
export interface SignedUploadSlot {
  /** The signed URL. */
  readonly url: string;
  /** Its method (default `PUT`). */
  readonly method?: string;
  /** The headers the signature covers or the storage expects (default: the upload's content type). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Asks the API for a signed upload slot (`createSlot`, the driver's own call), then streams the file there with
 * `http.transfer`: no credential is sent to the storage host. A refusal is an `UploadError` (a 403 said to be an
 * expired or altered signature). Resolves with the slot the create call answered, once the bytes are stored.
 */
export async function uploadToSignedUrl<Slot extends SignedUploadSlot>(
  http: HttpClient,
  request: UploadRequest,
  createSlot: () => Promise<Slot>,
  options: { readonly signal?: AbortSignal } = {},
): Promise<Slot> {
  const slot = await createSlot();
  const response = await http.transfer(slot.url, {
    method: slot.method ?? 'PUT',
    body: request.body,
    headers: slot.headers ?? { 'content-type': uploadContentType(request) },
    signal: options.signal,
    what: 'upload the source',
  });
  await response.body?.cancel();
  if (!response.ok) {
    throw new UploadError(
      `${http.provider} storage refused the upload of ${request.name} (${response.status})` +
        (response.status === 403 ? ': the signed upload URL expired or was altered' : ''),
      { provider: http.provider },
    );
  }
  return slot;
}

/**
 * Asks the provider to fetch a public URL itself (its "upload from link" call): a JSON body of the URL, under
 * `urlField` (default `url`), and its file name as `name`.
 */
export async function uploadFromUrl<Schema extends z.ZodMiniType>(
  http: HttpClient,
  url: string,
  options: UploadPresetOptions<Schema> & { readonly urlField?: string },
): Promise<z.output<Schema>> {
  const { data } = await http.call({
    method: 'POST',
    path: options.path,
    json: { [options.urlField ?? 'url']: url, name: fileNameOfUrl(url) },
    schema: options.schema,
    idempotent: false,
    signal: options.signal,
    what: 'upload from a link',
  });
  return data;
}

import {
  createHttpClient,
  type HttpClient,
  type Logger,
  mimeTypeOf,
  multipartFile,
  registerSecret,
  type UploadRequest,
} from '@stemkit/core';
import type * as z from 'zod/mini';
import { extensionOf } from './formats.ts';

/** Transport options both drivers take, so tests can inject a fetch and keep retries short. */
export interface TransportOptions {
  /** The fetch every request goes through (default: the global one). */
  readonly fetch?: typeof globalThis.fetch;
  /** Transport retries of retryable calls (default 3). */
  readonly retryLimit?: number;
  /** Per-attempt timeout in ms (default 30 s). */
  readonly timeoutMs?: number;
  /** Gets one `debug` line per HTTP request: method and URL, secrets masked (default: silent). */
  readonly logger?: Logger;
}

/** An HTTP client for one AudioShake API, and the streamed multipart upload both APIs share. */
export interface AudioShakeHttp {
  readonly api: HttpClient;
  /** Posts `request` as a streamed `multipart/form-data` body with one `file` part. */
  uploadFile<Schema extends z.ZodMiniType>(
    path: string,
    request: UploadRequest,
    schema: Schema,
    signal?: AbortSignal,
  ): Promise<z.output<Schema>>;
}

/**
 * The HTTP toolkit of one AudioShake API: core's client with the API's credential header, and `secret` (the
 * bare token or key) registered for redaction.
 *
 * @example
 * ```ts
 * const http = createAudioShakeHttp('audioshake-tasks', 'https://api.audioshake.ai', { 'x-api-key': key }, key, {});
 * ```
 */
export function createAudioShakeHttp(
  provider: string,
  baseUrl: string,
  credentials: Readonly<Record<string, string>>,
  secret: string,
  options: TransportOptions,
): AudioShakeHttp {
  registerSecret(secret);
  const api = createHttpClient({
    provider,
    baseUrl,
    fetch: options.fetch,
    retryLimit: options.retryLimit,
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    authenticate: () => ({ ...credentials }),
  });

  async function uploadFile<Schema extends z.ZodMiniType>(
    path: string,
    request: UploadRequest,
    schema: Schema,
    signal?: AbortSignal,
  ): Promise<z.output<Schema>> {
    const contentType = request.contentType ?? mimeTypeOf(extensionOf(request.name) ?? '');
    const multipart = multipartFile({
      field: 'file',
      fileName: request.name,
      contentType,
      body: countBytes(request.body, request.onProgress),
      size: request.size,
    });
    const { data } = await api.call({
      method: 'POST',
      path,
      body: multipart.body,
      headers: { 'content-type': multipart.contentType },
      schema,
      idempotent: false,
      timeoutMs: false,
      signal,
      what: `upload ${request.name}`,
    });
    return data;
  }

  return { api, uploadFile };
}

function countBytes(
  body: ReadableStream<Uint8Array>,
  onProgress: ((sentBytes: number) => void) | undefined,
): ReadableStream<Uint8Array> {
  if (!onProgress) return body;
  let sent = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        sent += chunk.byteLength;
        onProgress(sent);
      },
    }),
  );
}

/**
 * An environment variable, where there is an environment (Node, Deno, Bun); `undefined` in browsers.
 *
 * @example
 * ```ts
 * environmentVariable('AUDIOSHAKE_API_KEY');
 * ```
 */
export function environmentVariable(name: string): string | undefined {
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = environment?.[name];
  return value ? value : undefined;
}

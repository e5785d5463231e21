import { GatewayHttpError } from './errors.ts';

/** The largest upload the gateway passes on when neither its options nor the backend say: 2 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

/** How long the gateway spends fetching one `/upload/link` link, from the request to its last byte: 5 minutes. */
export const DEFAULT_LINK_TIMEOUT_MS = 5 * 60_000;

/**
 * Room for the multipart envelope (boundaries, part headers) around a file: a request declaring more than the
 * limit plus this is refused before a byte is read.
 */
export const MULTIPART_ENVELOPE_BYTES = 64 * 1024;

/** The 413 of an upload past the gateway's limit. */
export function tooLarge(field: string, limit: number): GatewayHttpError {
  return new GatewayHttpError(413, `${field}: larger than ${limit} bytes, the gateway's upload limit`);
}

/**
 * A stream that passes `body` through and fails (with {@link tooLarge}) once more than `limit` bytes have gone
 * by, cancelling the source; `exceeded()` says whether that is why it failed, whatever the reader made of it.
 */
export function capped(
  body: ReadableStream<Uint8Array>,
  limit: number,
  field: string,
): { readonly body: ReadableStream<Uint8Array>; exceeded(): boolean } {
  let size = 0;
  let exceeded = false;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > limit) {
        exceeded = true;
        controller.error(tooLarge(field, limit));
        return;
      }
      controller.enqueue(chunk);
    },
  });
  return { body: body.pipeThrough(counter), exceeded: () => exceeded };
}

/** Checks a byte count or duration option: a positive whole number, or a `RangeError` naming it. */
export function positiveWholeNumber(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive whole number`);
  }
  return value;
}

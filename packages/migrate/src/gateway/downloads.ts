import { create as contentDisposition } from 'content-disposition';
import parseRange from 'range-parser';

/**
 * Characters a file name shown to a person must not hold: control characters (C0, DEL, C1) and format
 * characters, among them the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make
 * `\u202Egpj.exe` display as `exe.jpg`, and zero-width ones. Lone surrogates cannot be encoded at all.
 */
const UNSHOWABLE = /[\p{Cc}\p{Cf}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/**
 * The file name a download is offered under: `name` without control, format (bidi) or broken characters, and
 * ending in `.<extension>` once — `ok.zip` stays `ok.zip`, `ok` becomes `ok.zip`.
 */
export function downloadFileName(name: string, extension: string): string {
  const shown = name.replace(UNSHOWABLE, '').trim() || 'download';
  const suffix = `.${extension}`;
  return extension === '' || shown.toLowerCase().endsWith(suffix.toLowerCase()) ? shown : `${shown}${suffix}`;
}

/**
 * A `Content-Disposition: attachment` value for a download, written by `content-disposition` (jshttp): a
 * quoted ASCII `filename` and, for any other name, its exact UTF-8 `filename*`, so no name adds a parameter.
 */
export function attachmentDisposition(name: string, extension: string): string {
  return contentDisposition(downloadFileName(name, extension));
}

/** What a `Range` header asks of a file of `size` bytes: all of it, one range of it, or nothing it has. */
export type RangeAnswer =
  | { readonly kind: 'whole' }
  | { readonly kind: 'part'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

/**
 * Reads a `Range` header as storage hosts do: one byte range (overlapping ones combined) is served 206; a
 * range the file cannot satisfy is 416; no header, an unknown size, another unit, several ranges or a
 * malformed header get the whole file (RFC 9110 lets a server ignore what it does not serve).
 */
export function answerRange(header: string | undefined, size: number | undefined): RangeAnswer {
  if (!header || size === undefined) return { kind: 'whole' };
  const ranges = parseRange(size, header, { combine: true });
  if (ranges === -1) return { kind: 'unsatisfiable' };
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return { kind: 'whole' };
  const range = ranges[0] as parseRange.Range;
  return { kind: 'part', start: range.start, end: range.end };
}

/** The bytes `start` to `end` (inclusive) of a stream; the source is cancelled once they have passed. */
export function sliceStream(
  body: ReadableStream<Uint8Array>,
  start: number,
  end: number,
): ReadableStream<Uint8Array> {
  let offset = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const from = Math.max(start - offset, 0);
        const to = Math.min(end + 1 - offset, chunk.byteLength);
        offset += chunk.byteLength;
        if (from < to) controller.enqueue(chunk.subarray(from, to));
        if (offset > end) controller.terminate();
      },
    }),
  );
}

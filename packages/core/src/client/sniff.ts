/**
 * A dependency-free look at the first bytes of a source: is it audio a provider would take, and does its header
 * say it holds any? Core knows no codec, so this reads magic numbers and the few header fields that count frames
 * (WAV's data chunk, AIFF's COMM, FLAC's STREAMINFO), never samples. Only the containers the providers take are
 * recognised (WAV, AIFF, FLAC, MP3, AAC, M4A/MP4/MOV); anything else is "not audio".
 */

/** How many leading bytes the client reads to sniff a source: enough for every header this looks at. */
export const SNIFF_BYTES = 8 * 1024;

/** The container a sniff recognised. */
export type SniffedFormat = 'wav' | 'aiff' | 'flac' | 'mp3' | 'aac' | 'mp4';

/**
 * What {@link sniffAudio} makes of a source's first bytes: `audio` (possibly with frames the header does not
 * count), `empty` (no bytes at all), `no-frames` (a valid header that says it holds no audio) or `not-audio`.
 */
export type AudioSniff =
  | { readonly verdict: 'audio'; readonly format: SniffedFormat }
  | { readonly verdict: 'empty' }
  | { readonly verdict: 'no-frames'; readonly format: SniffedFormat }
  | { readonly verdict: 'not-audio' };

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let index = 0; index < text.length; index++) {
    if (bytes[offset + index] !== text.charCodeAt(index)) return false;
  }
  return true;
}

function uint32(bytes: Uint8Array, offset: number, littleEndian: boolean): number {
  const [a, b, c, d] = [bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!];
  return littleEndian ? d * 2 ** 24 + (c << 16) + (b << 8) + a : a * 2 ** 24 + (b << 16) + (c << 8) + d;
}

const audio = (format: SniffedFormat): AudioSniff => ({ verdict: 'audio', format });
const noFrames = (format: SniffedFormat): AudioSniff => ({ verdict: 'no-frames', format });

/**
 * Sniffs `head`, the first bytes of a source `totalBytes` long: by default `head` is the whole source; `null`
 * says the length is unknown (a stream that went on past `head`). Only what the header states for sure counts as `no-frames`; a header this cannot read to
 * the end (a long tag or chunk list past `head`) counts as `audio`, for the provider to judge.
 *
 * @example
 * ```ts
 * sniffAudio(new TextEncoder().encode('hello')); // { verdict: 'not-audio' }
 * ```
 */
export function sniffAudio(head: Uint8Array, totalBytes: number | null = head.length): AudioSniff {
  const total = totalBytes ?? Number.POSITIVE_INFINITY;
  if (total === 0) return { verdict: 'empty' };
  if ((ascii(head, 0, 'RIFF') || ascii(head, 0, 'RF64') || ascii(head, 0, 'BW64')) && ascii(head, 8, 'WAVE'))
    return sniffWav(head, total);
  if (ascii(head, 0, 'FORM') && (ascii(head, 8, 'AIFF') || ascii(head, 8, 'AIFC')))
    return sniffAiff(head, total);
  if (ascii(head, 0, 'fLaC')) return sniffFlac(head, 0, total);
  if (ascii(head, 0, 'ID3') && head.length >= 10) {
    // An ID3v2 tag (sizes are 7-bit "syncsafe") precedes MP3 and AAC, sometimes FLAC.
    const size =
      ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
    const after = 10 + size + (head[5]! & 0x10 ? 10 : 0);
    if (after >= total) return noFrames('mp3');
    if (ascii(head, after, 'fLaC')) return sniffFlac(head, after, total);
    if (isAdts(head, after)) return audio('aac');
    return audio('mp3');
  }
  if (isMpegAudio(head, 0)) return audio('mp3');
  if (isAdts(head, 0)) return audio('aac');
  // ISO base media (M4A, MP4) names its brand in `ftyp`; older QuickTime files open on another top-level atom.
  if (['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip'].some((atom) => ascii(head, 4, atom)))
    return audio('mp4');
  return { verdict: 'not-audio' };
}

/** Streaming writers leave a WAV data size at 0 or 0xFFFFFFFF: the data then runs to the end of the file. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

/** Walks the RIFF chunks up to `data`: no frames when the data holds less than one block. */
function sniffWav(head: Uint8Array, total: number): AudioSniff {
  let blockAlign = 0;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const size = uint32(head, offset + 4, true);
    const body = offset + 8;
    if (ascii(head, offset, 'fmt ') && body + 16 <= head.length) {
      const channels = head[body + 2]! | (head[body + 3]! << 8);
      const bits = head[body + 14]! | (head[body + 15]! << 8);
      blockAlign = head[body + 12]! | (head[body + 13]! << 8) || (channels * bits) / 8;
    } else if (ascii(head, offset, 'data')) {
      // RF64 keeps the real size in its ds64 chunk; only a streamed size of unknown length is read to the end.
      const available = total - body;
      const bytes = UNKNOWN_SIZES.has(size) || ascii(head, 0, 'RF64') ? available : Math.min(size, available);
      if (bytes <= 0 || (blockAlign > 0 && bytes < blockAlign)) return noFrames('wav');
      return audio('wav');
    }
    offset = body + size + (size % 2);
  }
  // The file ended before any data chunk: a header and nothing to play.
  return offset >= total ? noFrames('wav') : audio('wav');
}

/** Reads the COMM chunk's frame count (big-endian, after the 2-byte channel count). */
function sniffAiff(head: Uint8Array, total: number): AudioSniff {
  let offset = 12;
  while (offset + 8 <= head.length) {
    const size = uint32(head, offset + 4, false);
    if (ascii(head, offset, 'COMM') && offset + 14 <= head.length) {
      return uint32(head, offset + 10, false) === 0 ? noFrames('aiff') : audio('aiff');
    }
    offset += 8 + size + (size % 2);
  }
  return offset >= total ? noFrames('aiff') : audio('aiff');
}

/**
 * Reads STREAMINFO's 36-bit sample count; 0 there means "unknown", so such a file has no frames only when it
 * ends with its metadata blocks.
 */
function sniffFlac(head: Uint8Array, start: number, total: number): AudioSniff {
  const info = start + 8;
  if (info + 18 <= head.length) {
    const samples = (head[info + 13]! & 0x0f) * 2 ** 32 + uint32(head, info + 14, false);
    if (samples > 0) return audio('flac');
  }
  let offset = start + 4;
  while (offset + 4 <= head.length) {
    const last = (head[offset]! & 0x80) !== 0;
    offset += 4 + ((head[offset + 1]! << 16) | (head[offset + 2]! << 8) | head[offset + 3]!);
    if (last) return offset >= total ? noFrames('flac') : audio('flac');
  }
  return audio('flac');
}

/** An AAC ADTS frame header: sync word, layer 0, a valid sampling index. */
function isAdts(bytes: Uint8Array, at: number): boolean {
  return (
    at + 7 <= bytes.length &&
    bytes[at] === 0xff &&
    (bytes[at + 1]! & 0xf6) === 0xf0 &&
    ((bytes[at + 2]! >> 2) & 0x0f) < 13
  );
}

/**
 * An MPEG audio frame header: the 11-bit sync, then a version, layer, bitrate and sample rate that are not the
 * reserved or invalid values. (The frame's length is not followed to the next header: the provider judges the
 * rest, and the tables that would take cost the client's bundle more than they catch.)
 */
function isMpegAudio(bytes: Uint8Array, at: number): boolean {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return false;
  const versionBits = (bytes[at + 1]! >> 3) & 3; // 1: reserved
  const layerBits = (bytes[at + 1]! >> 1) & 3; // 0: reserved (ADTS AAC)
  const bitrateIndex = bytes[at + 2]! >> 4; // 0: free format, 15: invalid
  const rateIndex = (bytes[at + 2]! >> 2) & 3; // 3: reserved
  return versionBits !== 1 && layerBits !== 0 && bitrateIndex !== 0 && bitrateIndex !== 15 && rateIndex !== 3;
}

/** A stream's first bytes, and the same stream whole again (the bytes read come first). */
export interface PeekedStream {
  /** Up to `limit` leading bytes (fewer only when the stream ended first). */
  readonly head: Uint8Array;
  /** True when the stream ended within `head`: then `head` is all of it. */
  readonly ended: boolean;
  /** Every byte of the original stream, in order, pulled from it only as this one is read. */
  readonly stream: ReadableStream<Uint8Array>;
}

/**
 * Reads a stream's first `limit` bytes (or all of it, when shorter) without losing them: the stream returned
 * gives back the chunks read, then the rest of the original, pulled on demand; cancelling it cancels the original.
 * When `signal` aborts (or the stream fails) first, the original is cancelled and the reason thrown.
 *
 * @example
 * ```ts
 * const { head, stream } = await peekStream(blob.stream(), 8192); // upload `stream`: not one byte is missing
 * ```
 */
export async function peekStream(
  source: ReadableStream<Uint8Array>,
  limit: number,
  signal?: AbortSignal,
): Promise<PeekedStream> {
  const reader = source.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  // A stalled source must not hold the caller past its signal: the read is raced against it.
  let abort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    abort = () => reject(signal?.reason);
    signal?.addEventListener('abort', abort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    while (length < limit) {
      signal?.throwIfAborted();
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) {
        ended = true;
        break;
      }
      chunks.push(value);
      length += value.byteLength;
    }
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    throw error;
  } finally {
    if (abort) signal?.removeEventListener('abort', abort);
  }
  const head = new Uint8Array(Math.min(length, limit));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= head.length) break;
    const part = chunk.subarray(0, head.length - offset);
    head.set(part, offset);
    offset += part.byteLength;
  }
  const replay = [...chunks];
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = replay.shift();
        if (next) return controller.enqueue(next);
        if (ended) return controller.close();
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return { head, ended, stream };
}

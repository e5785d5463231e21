import { hash } from 'node:crypto';

/**
 * Output names of tracks: what a name may be, and a compact index that finds two tracks writing to the same
 * place without holding the names themselves.
 */

/** The longest path segment most file systems take, in UTF-8 bytes (ext4, APFS, NTFS: 255). */
export const MAX_SEGMENT_BYTES = 255;

/** Where the ledger lives and where the report goes by default, relative to the output folder. */
export const RESERVED_NAMES = ['.stemkit-batch', 'batch-report.jsonl', 'batch-report.csv'] as const;

/** A segment that reads as a file name: an output (`vocals.wav`, `vocals-residual.mp3`) or a download's `.part`. */
const FILE_LIKE = /\.[a-z0-9]{1,8}$/i;

// C0 and C1 control characters, DEL included: a NUL aborts PostgreSQL ("unsupported Unicode escape sequence"),
// the rest make file names that terminals and spreadsheets show as something else.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A UTF-16 surrogate without its other half: no UTF-8 text holds one, and PostgreSQL's JSON refuses it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a track name cannot be used, or undefined when it can. `reserved` are further paths (relative to the
 * output folder, `/`-separated) no track may take or go under, such as a report given elsewhere.
 */
export function nameProblem(name: string, reserved: readonly string[] = []): string | undefined {
  if (typeof name !== 'string' || name.length === 0)
    return 'must be a relative name inside the output folder';
  if (LONE_SURROGATE.test(name)) return 'is not valid Unicode text (a lone surrogate)';
  if (CONTROL.test(name)) return 'must not contain control characters (such as NUL or a line break)';
  if (name.length > 400 || /^[\\/]|^[a-z]:/i.test(name))
    return 'must be a relative name inside the output folder';
  const segments = name.split(/[\\/]/);
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'must be a relative name inside the output folder';
  }
  const long = segments.find((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES);
  if (long !== undefined) {
    return `has a path segment of ${Buffer.byteLength(long)} bytes; file systems take at most ${MAX_SEGMENT_BYTES}`;
  }
  const lower = segments.join('/').toLowerCase();
  // Compared without case: on macOS and Windows `Batch-Report.csv` is the same file.
  for (const path of [...RESERVED_NAMES, ...reserved]) {
    const taken = path.toLowerCase();
    if (lower === taken || lower.startsWith(`${taken}/`)) {
      return `takes "${path}", which the batch itself writes in the output folder`;
    }
  }
  return undefined;
}

/** A name as a message shows it: control characters as `\u` escapes, so a terminal shows what is there. */
export function escaped(name: string): string {
  return name.replace(
    new RegExp(CONTROL.source, 'g'),
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Whether a string can be stored in PostgreSQL text and JSON: no NUL, no lone surrogate. */
export function storable(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/**
 * A set of 64-bit digests in two typed arrays (open addressing, linear probing), each with the manifest line
 * it came from: about 24 bytes per name at a million names where a `Set` of the names themselves costs several
 * times that. Two names sharing a digest (about 3 in 10^8 at a million names) are confirmed by the caller
 * before anything is refused.
 */
class DigestSet {
  #high = new Uint32Array(1024);
  #low = new Uint32Array(1024);
  #lines = new Uint32Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The line recorded for a digest, or 0. */
  get(high: number, low: number): number {
    const mask = this.#lines.length - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      const line = this.#lines[slot] as number;
      if (line === 0) return 0;
      if (this.#high[slot] === high && this.#low[slot] === low) return line;
    }
  }

  /** Records a digest's line (lines count from 1); the first line recorded for a digest stays. */
  add(high: number, low: number, line: number): void {
    if ((this.#size + 1) * 2 > this.#lines.length) this.#grow();
    const mask = this.#lines.length - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      if (this.#lines[slot] === 0) {
        this.#high[slot] = high;
        this.#low[slot] = low;
        this.#lines[slot] = line;
        this.#size += 1;
        return;
      }
      if (this.#high[slot] === high && this.#low[slot] === low) return;
    }
  }

  #grow(): void {
    const [high, low, lines] = [this.#high, this.#low, this.#lines];
    this.#high = new Uint32Array(high.length * 2);
    this.#low = new Uint32Array(high.length * 2);
    this.#lines = new Uint32Array(high.length * 2);
    this.#size = 0;
    for (let slot = 0; slot < lines.length; slot++) {
      if (lines[slot] !== 0) this.add(high[slot] as number, low[slot] as number, lines[slot] as number);
    }
  }
}

function digest(text: string): [number, number] {
  const bytes = hash('sha1', text.toLowerCase(), 'buffer');
  return [bytes.readUInt32LE(0), bytes.readUInt32LE(4)];
}

/** A clash between two lines' names, as the index saw it (by digest: to be confirmed on the names). */
export interface NameClash {
  /** The later line. */
  readonly line: number;
  /** The earlier line it clashes with. */
  readonly earlier: number;
  /** `same`: one output name; `inside`: one name continues the other through an output file's name. */
  readonly kind: 'same' | 'inside';
}

/**
 * Finds names that would write to the same place: the same name (compared without case, as macOS and Windows
 * file systems do), or a name that runs through another's output file (`x` writes `x/vocals.wav`, so
 * `x/vocals.wav` and anything under it collide with it). Holds digests, not names.
 */
export class NameIndex {
  readonly #names = new DigestSet();
  /** Digests of the folders that other names pass through by a file-like segment (`x` of `x/vocals.wav/y`). */
  readonly #through = new DigestSet();

  /** How many names are held. */
  get size(): number {
    return this.#names.size;
  }

  /** Adds the name of `line`; returns the clashes it has with names added before. */
  add(name: string, line: number): NameClash[] {
    const clashes: NameClash[] = [];
    const segments = name.split(/[\\/]/);
    for (let index = 1; index < segments.length; index++) {
      if (!FILE_LIKE.test(segments[index] as string)) continue;
      const [high, low] = digest(segments.slice(0, index).join('/'));
      const earlier = this.#names.get(high, low);
      if (earlier !== 0) clashes.push({ line, earlier, kind: 'inside' });
      this.#through.add(high, low, line);
    }
    const [high, low] = digest(segments.join('/'));
    const same = this.#names.get(high, low);
    if (same !== 0) clashes.push({ line, earlier: same, kind: 'same' });
    const inside = this.#through.get(high, low);
    if (inside !== 0) clashes.push({ line, earlier: inside, kind: 'inside' });
    this.#names.add(high, low, line);
    return clashes;
  }
}

/** Whether two names truly clash as `kind` says (the digests only suggested it). */
export function confirmClash(later: string, earlier: string, kind: NameClash['kind']): boolean {
  const normal = (name: string) => name.split(/[\\/]/).join('/').toLowerCase();
  const [a, b] = [normal(later), normal(earlier)];
  if (kind === 'same') return a === b;
  const [outer, inner] = a.length < b.length ? [a, b] : [b, a];
  if (!inner.startsWith(`${outer}/`)) return false;
  const next = inner.slice(outer.length + 1).split('/')[0] ?? '';
  return FILE_LIKE.test(next);
}

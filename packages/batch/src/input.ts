import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, extname, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '@stemkit/core';
import { parse } from 'csv-parse';
import { folderItems, type SkippedEntry } from './folder.ts';
import { type BatchItem, defaultName } from './items.ts';
import { confirmClash, escaped, NameIndex, nameProblem, storable } from './names.ts';

export { AUDIO_EXTENSIONS, folderItems } from './folder.ts';

/**
 * A manifest (or a folder) that cannot be read as a whole: nothing of it was queued. `issues` names every bad
 * line, `field` the first one (`line 3`, `line 3: stems`).
 *
 * @example
 * ```ts
 * try { await readBatchInput('manifest.jsonl'); }
 * catch (error) { if (ManifestError.isInstance(error)) for (const issue of error.issues) console.error(issue.field, issue.message); }
 * ```
 */
export class ManifestError extends InvalidArgumentError {}

/**
 * How far intake is: `checking` while the manifest is read and checked (nothing is queued yet), `queueing`
 * while its rows go to the ledger and the queue.
 *
 * @example
 * ```ts
 * const show = (progress: IntakeProgress) => console.error(`${progress.phase} ${progress.rows} of ${progress.total ?? '?'}`);
 * ```
 */
export interface IntakeProgress {
  /** `checking` (nothing queued yet) or `queueing`. */
  readonly phase: 'checking' | 'queueing';
  /** Rows checked, or queued, so far. */
  readonly rows: number;
  /** The manifest's row count, once it is known (after checking). */
  readonly total?: number;
}

/**
 * Options of {@link readBatchInput}.
 *
 * @example
 * ```ts
 * const options: ReadBatchInputOptions = { reserved: ['reports/latest.csv'], onProgress: (progress) => console.error(progress.rows) };
 * ```
 */
export interface ReadBatchInputOptions {
  /**
   * Paths under the output folder, `/`-separated, that no track may take or go under (a report written there,
   * say). `.stemkit-batch`, `batch-report.jsonl` and `batch-report.csv` always are.
   */
  readonly reserved?: readonly string[];
  /** Told how many rows were checked, every few thousand rows and once at the end. */
  readonly onProgress?: (progress: IntakeProgress) => void;
  /** Told of each entry of a folder that is not taken as a track (a symbolic link, a non-audio file…), once. */
  readonly onSkip?: (entry: SkippedEntry) => void;
}

const FIELDS = ['source', 'stems', 'formats', 'name'] as const;

/** The longest manifest line read, in bytes: a line is held whole while it is parsed. */
const MAX_LINE_BYTES = 1 << 20;
/** Issues kept for the message; past this many, the rest are only counted. */
const MAX_ISSUES = 1_000;
/** Rows between two progress reports. */
const PROGRESS_ROWS = 10_000;

interface Issue {
  field: string;
  message: string;
}

/** One row of a manifest as read: its line, and either its item or what is wrong with it. */
interface Row {
  readonly line: number;
  /** How messages name the row: `line 3`, or a folder entry's path. */
  readonly where: string;
  readonly item?: BatchItem;
  /** The item's output name (given or derived), when the row is well-formed. */
  readonly name?: string;
  readonly issues?: readonly Issue[];
}

type Kind = 'folder' | 'jsonl' | 'csv';

/**
 * A checked manifest or folder: every row was read once and found well-formed, with no two tracks writing to
 * the same place. Iterating reads it again, streaming (one row at a time), so memory does not grow with its
 * size; `runBatch` queues the rows in batches as they come.
 *
 * @example
 * ```ts
 * const input = await readBatchInput('catalogue.jsonl');
 * console.log(`${input.count} tracks`);
 * for await (const item of input) console.log(item.source);
 * ```
 */
export class BatchInput implements AsyncIterable<BatchItem> {
  /** The manifest or folder, absolute. */
  readonly path: string;
  /** How many tracks it holds. */
  readonly count: number;
  readonly #kind: Kind;
  readonly #reserved: readonly string[];
  readonly #fingerprint: string;

  /** @internal */
  constructor(path: string, kind: Kind, count: number, reserved: readonly string[], fingerprint: string) {
    this.path = path;
    this.#kind = kind;
    this.count = count;
    this.#reserved = reserved;
    this.#fingerprint = fingerprint;
  }

  /** @internal What identifies this content: the file's size and modification time (a folder: its count). */
  get fingerprint(): string {
    return this.#fingerprint;
  }

  /** Reads the rows again, one at a time, as they are queued; throws if the input changed since it was checked. */
  async *[Symbol.asyncIterator](): AsyncIterator<BatchItem> {
    if (this.#kind !== 'folder' && (await fingerprintOf(this.path)) !== this.#fingerprint) {
      throw new InvalidArgumentError(
        'input',
        `${this.path} changed after it was checked: run the batch again`,
      );
    }
    for await (const row of rows(this.path, this.#kind, this.#reserved)) {
      // The file was checked whole; a row gone bad since means it changed under the batch.
      if (row.issues || !row.item) {
        throw new ManifestError(
          row.where,
          `${row.issues?.[0]?.message ?? 'is not valid'} (the manifest changed while it was queued)`,
        );
      }
      yield row.item;
    }
  }
}

/**
 * Reads what `stemkit batch` takes: a folder (its audio files, sub-folders included, each named after its path
 * without the extension), a JSON Lines manifest (`.jsonl`: one `{source, stems?, formats?, name?}` per line) or
 * a CSV manifest (`.csv`: a header row with `source` and optionally `stems`, `formats`, `name`; lists inside a
 * cell separated by commas, semicolons or spaces), UTF-8 either way.
 *
 * The whole input is checked first, streaming, in memory that does not grow with its size: a malformed manifest
 * throws {@link ManifestError} naming every bad line — not UTF-8, not JSON, an unknown field, a name with a
 * control character, a path segment over 255 bytes, a name the batch itself uses (`.stemkit-batch/…`,
 * `batch-report.csv`), two tracks writing to the same place (`x` and `X`, or `x` and `x/vocals.wav`) — before
 * anything is queued. Values only the provider can judge (an unknown stem, an unreadable file) fail their own
 * track later. The {@link BatchInput} returned reads the rows again as they are queued.
 *
 * @example
 * ```ts
 * const items = await readBatchInput('catalogue.csv');
 * ```
 */
export async function readBatchInput(path: string, options: ReadBatchInputOptions = {}): Promise<BatchInput> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InvalidArgumentError('input', `no such file or folder: ${path}`);
  const absolute = resolve(path);
  const extension = extname(path).toLowerCase();
  const kind: Kind | undefined = info.isDirectory()
    ? 'folder'
    : extension === '.jsonl' || extension === '.ndjson'
      ? 'jsonl'
      : extension === '.csv'
        ? 'csv'
        : undefined;
  if (kind === undefined) {
    throw new InvalidArgumentError('input', 'must be a folder, a .jsonl manifest or a .csv manifest');
  }
  const reserved = options.reserved ?? [];
  const fingerprint = kind === 'folder' ? '' : await fingerprintOf(absolute);
  const issues: Array<Issue & { line: number }> = [];
  let more = 0;
  const note = (line: number, issue: Issue) => {
    if (issues.length < MAX_ISSUES) issues.push({ ...issue, line });
    else more += 1;
  };
  // Names are checked against each other by digest; a digest match is confirmed on the names below.
  const index = new NameIndex();
  const clashes: Array<ReturnType<NameIndex['add']>[number] & { where: string }> = [];
  let count = 0;
  for await (const row of rows(absolute, kind, reserved, options.onSkip)) {
    for (const issue of row.issues ?? []) note(row.line, issue);
    if (row.name !== undefined) {
      for (const clash of index.add(row.name, row.line)) {
        if (clashes.length < MAX_ISSUES) clashes.push({ ...clash, where: row.where });
        else more += 1;
      }
    }
    count += 1;
    if (count % PROGRESS_ROWS === 0) options.onProgress?.({ phase: 'checking', rows: count });
  }
  options.onProgress?.({ phase: 'checking', rows: count });
  if (clashes.length > 0) {
    for (const issue of await confirmClashes(absolute, kind, reserved, clashes)) note(issue.line, issue);
  }
  if (issues.length > 0) {
    issues.sort((left, right) => left.line - right.line);
    if (more > 0) {
      issues.push({ line: Number.POSITIVE_INFINITY, field: 'input', message: `and ${more} more bad lines` });
    }
    const list = issues.map(({ field, message }) => ({ field, message }));
    const [first] = list as [Issue];
    throw new ManifestError(first.field, first.message, { issues: list });
  }
  return new BatchInput(absolute, kind, count, reserved, fingerprint);
}

/** The clashes the digests suggested that the names confirm, as issues naming both lines. */
async function confirmClashes(
  path: string,
  kind: Kind,
  reserved: readonly string[],
  clashes: ReadonlyArray<{ line: number; earlier: number; kind: 'same' | 'inside'; where: string }>,
): Promise<Array<Issue & { line: number }>> {
  const wanted = new Set(clashes.flatMap((clash) => [clash.line, clash.earlier]));
  const found = new Map<number, { name: string; where: string }>();
  for await (const row of rows(path, kind, reserved)) {
    if (wanted.has(row.line) && row.name !== undefined)
      found.set(row.line, { name: row.name, where: row.where });
  }
  const issues: Array<Issue & { line: number }> = [];
  for (const clash of clashes) {
    const later = found.get(clash.line);
    const earlier = found.get(clash.earlier);
    if (!later || !earlier || !confirmClash(later.name, earlier.name, clash.kind)) continue;
    issues.push({
      line: clash.line,
      field: clash.where,
      message:
        clash.kind === 'same'
          ? `has the same output name "${later.name}" as ${earlier.where}`
          : `has the output name "${later.name}", which collides with the outputs of "${earlier.name}" (${earlier.where})`,
    });
  }
  return issues;
}

async function fingerprintOf(path: string): Promise<string> {
  const info = await stat(path);
  return `${info.size}:${info.mtimeMs}`;
}

/** Every row of the input, streaming. */
function rows(
  path: string,
  kind: Kind,
  reserved: readonly string[],
  onSkip?: (entry: SkippedEntry) => void,
): AsyncGenerator<Row> {
  if (kind === 'folder') return folderRows(path, reserved, onSkip);
  // Paths in a manifest are relative to the manifest's folder, wherever the command runs.
  const base = dirname(path);
  return kind === 'jsonl' ? jsonRows(path, base, reserved) : csvRows(path, base, reserved);
}

async function* folderRows(
  folder: string,
  reserved: readonly string[],
  onSkip?: (entry: SkippedEntry) => void,
): AsyncGenerator<Row> {
  let line = 0;
  for (const item of await folderItems(folder, onSkip)) {
    line += 1;
    const where = relative(folder, item.source);
    const problem = nameProblem(item.name, reserved);
    if (problem !== undefined) yield { line, where, issues: [{ field: where, message: problem }] };
    else yield { line, where, item, name: item.name };
  }
}

/** A physical line of a file: its number, its text, and whether its bytes were UTF-8 (else `issue` says what). */
interface Line {
  readonly number: number;
  readonly text: string;
  readonly issue?: string;
}

/** The file's lines, read in chunks; each line is decoded on its own so a bad byte is pinned to its line. */
async function* lines(path: string): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (bytes: Buffer, number: number): Line => {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    const body = bytes.subarray(0, end);
    try {
      return { number, text: decoder.decode(body) };
    } catch {
      // Latin-1 and the like: read it with replacement characters so the rest of the row can still be checked.
      return {
        number,
        text: body.toString('utf8'),
        issue: 'is not valid UTF-8 text (save the manifest as UTF-8)',
      };
    }
  };
  let rest: Buffer = Buffer.alloc(0);
  let number = 0;
  let skipping = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    let buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let end = buffer.indexOf(10, start); end !== -1; end = buffer.indexOf(10, start)) {
      number += 1;
      if (skipping) skipping = false;
      else yield decode(buffer.subarray(start, end), number);
      start = end + 1;
    }
    buffer = buffer.subarray(start);
    if (buffer.length > MAX_LINE_BYTES && !skipping) {
      // A line this long is not a manifest row; skip to its end rather than hold it.
      yield { number: number + 1, text: '', issue: `is longer than ${MAX_LINE_BYTES} bytes` };
      skipping = true;
    }
    rest = skipping ? Buffer.alloc(0) : Buffer.from(buffer);
  }
  if (rest.length > 0 && !skipping) yield decode(rest, number + 1);
}

async function* jsonRows(path: string, base: string, reserved: readonly string[]): AsyncGenerator<Row> {
  for await (const { number, text, issue } of lines(path)) {
    const where = `line ${number}`;
    if (issue !== undefined) {
      yield { line: number, where, issues: [{ field: where, message: issue }] };
      continue;
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line: number, where, issues: [{ field: where, message: 'is not valid JSON' }] };
      continue;
    }
    yield checkRecord(value, number, where, base, reserved, (list) => list);
  }
}

async function* csvRows(path: string, base: string, reserved: readonly string[]): AsyncGenerator<Row> {
  // Lines whose bytes were not UTF-8: their rows are refused for that, not checked as read.
  const badLines = new Map<number, string>();
  let header: Issue | undefined;
  async function* text() {
    for await (const line of lines(path)) {
      if (line.issue !== undefined) badLines.set(line.number, line.issue);
      yield `${line.text}\n`;
    }
  }
  const parser = Readable.from(text()).pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      max_record_size: MAX_LINE_BYTES,
      columns: (names: string[]) => {
        const unknown = names.filter((column) => !(FIELDS as readonly string[]).includes(column));
        if (unknown.length > 0 || !names.includes('source')) {
          header = {
            field: 'line 1',
            message: `the header must name a "source" column and only ${FIELDS.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
          };
        }
        return names;
      },
    }),
  );
  const split = (cell: unknown) => (typeof cell === 'string' ? cell.split(/[\s,;]+/).filter(Boolean) : cell);
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      if (header) break;
      const line = info.lines;
      const where = `line ${line}`;
      const bad = [...badLines].filter(([number]) => number <= line);
      for (const [number] of bad) badLines.delete(number);
      if (bad.length > 0) {
        yield { line, where, issues: bad.map(([number, message]) => ({ field: `line ${number}`, message })) };
        continue;
      }
      // Empty cells mean "the batch's default".
      const present = Object.fromEntries(Object.entries(record).filter(([, cell]) => cell !== ''));
      yield checkRecord(present, line, where, base, reserved, split);
    }
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    yield {
      line,
      where: line ? `line ${line}` : 'input',
      issues: [{ field: line ? `line ${line}` : 'input', message: (error as Error).message }],
    };
    parser.destroy();
    return;
  }
  if (header) {
    parser.destroy();
    yield { line: 1, where: 'line 1', issues: [header] };
  }
}

/** The shape of one manifest record: known fields only, of the right types, and a name the batch can use. */
function checkRecord(
  value: unknown,
  line: number,
  where: string,
  base: string,
  reserved: readonly string[],
  list: (cell: unknown) => unknown,
): Row {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, where, issues: [{ field: where, message: 'must be an object with a "source"' }] };
  }
  const record = value as Record<string, unknown>;
  const issues: Issue[] = [];
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      issues.push({ field: `${where}: ${key}`, message: `is not a manifest field (${FIELDS.join(', ')})` });
    }
  }
  const { source } = record;
  if (typeof source !== 'string' || source.trim() === '') {
    issues.push({ field: `${where}: source`, message: 'must be a file path or an http(s) URL' });
  } else if (!storable(source)) {
    issues.push({
      field: `${where}: source`,
      message: 'must not contain a NUL character or a lone surrogate',
    });
  }
  for (const key of ['stems', 'formats'] as const) {
    const cell = list(record[key]);
    if (cell === undefined) continue;
    if (
      !Array.isArray(cell) ||
      cell.length === 0 ||
      cell.some((each) => typeof each !== 'string' || !each || !storable(each))
    ) {
      issues.push({ field: `${where}: ${key}`, message: 'must be a non-empty list of names' });
    }
    record[key] = cell;
  }
  let name: string | undefined;
  if (record.name !== undefined) {
    const problem = typeof record.name === 'string' ? nameProblem(record.name, reserved) : 'must be a string';
    if (problem !== undefined) issues.push({ field: `${where}: name`, message: problem });
    else name = record.name as string;
  } else if (typeof source === 'string' && source.trim() !== '') {
    let derived: string | undefined;
    try {
      derived = defaultName(source.trim());
    } catch {
      issues.push({ field: `${where}: source`, message: 'is not a valid URL' });
    }
    if (derived !== undefined) {
      const problem = nameProblem(derived, reserved);
      if (problem !== undefined) {
        issues.push({
          field: `${where}: source`,
          message: `gives the track the name "${escaped(derived)}", which ${problem}`,
        });
      } else name = derived;
    }
  }
  if (issues.length > 0) return { line, where, issues };
  const item = { ...record } as { -readonly [Key in keyof BatchItem]: BatchItem[Key] };
  const trimmed = (source as string).trim();
  item.source = /^https?:\/\//i.test(trimmed) ? trimmed : resolve(base, trimmed);
  return { line, where, item, ...(name === undefined ? {} : { name }) };
}

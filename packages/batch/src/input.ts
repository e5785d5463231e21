import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { InvalidArgumentError } from '@stemkit/core';
import { parse } from 'csv-parse/sync';
import { folderItems, type SkippedEntry } from './folder.ts';
import { type BatchItem, defaultName, isSafeName } from './items.ts';

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

const FIELDS = ['source', 'stems', 'formats', 'name'] as const;

interface Issue {
  field: string;
  message: string;
}

/**
 * Reads what `stemkit batch` takes: a folder (its audio files, sub-folders included, each named after its path
 * without the extension), a JSON Lines manifest (`.jsonl`: one `{source, stems?, formats?, name?}` per line) or
 * a CSV manifest (`.csv`: a header row with `source` and optionally `stems`, `formats`, `name`; lists inside a
 * cell separated by commas, semicolons or spaces). A malformed manifest throws {@link ManifestError} naming every
 * bad line, before anything is queued; values only the provider can judge (an unknown stem, an unreadable file)
 * fail their own track later.
 *
 * @example
 * ```ts
 * const items = await readBatchInput('catalogue.csv');
 * ```
 */
export async function readBatchInput(
  path: string,
  options: {
    /** Told of each entry of a folder that is not taken as a track (a symbolic link, a non-audio file…). */
    readonly onSkip?: (entry: SkippedEntry) => void;
  } = {},
): Promise<BatchItem[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InvalidArgumentError('input', `no such file or folder: ${path}`);
  if (info.isDirectory()) {
    return checkNames({ items: await folderItems(resolve(path), options.onSkip), issues: [] });
  }
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  const extension = extname(path).toLowerCase();
  // Paths in a manifest are relative to the manifest's folder, wherever the command runs.
  const base = dirname(resolve(path));
  const located = ({ items, issues }: Parsed): Parsed => ({
    items: items.map((item) =>
      /^https?:\/\//i.test(item.source) ? item : { ...item, source: resolve(base, item.source) },
    ),
    issues,
  });
  if (extension === '.jsonl' || extension === '.ndjson') return checkNames(located(jsonLines(text)));
  if (extension === '.csv') return checkNames(located(csvRows(text)));
  throw new InvalidArgumentError('input', 'must be a folder, a .jsonl manifest or a .csv manifest');
}

/** What a manifest held: its well-formed items, and what was wrong with the rest. */
interface Parsed {
  items: BatchItem[];
  issues: Issue[];
}

function jsonLines(text: string): Parsed {
  const items: BatchItem[] = [];
  const issues: Issue[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const where = `line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      issues.push({ field: where, message: 'is not valid JSON' });
      continue;
    }
    const item = checkRecord(value, where, issues, (list) => list);
    if (item) items.push(item);
  }
  return { items, issues };
}

function csvRows(text: string): Parsed {
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ManifestError(line === undefined ? 'input' : `line ${line}`, (error as Error).message);
  }
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const unknown = Object.keys(rows[0]?.record ?? {}).filter(
    (column) => !(FIELDS as readonly string[]).includes(column),
  );
  if (unknown.length > 0 || !/\bsource\b/.test(header)) {
    throw new ManifestError(
      'line 1',
      `the header must name a "source" column and only ${FIELDS.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    );
  }
  const items: BatchItem[] = [];
  const issues: Issue[] = [];
  for (const { record, info } of rows) {
    // Empty cells mean "the batch's default".
    const present = Object.fromEntries(Object.entries(record).filter(([, cell]) => cell !== ''));
    const split = (cell: unknown) =>
      typeof cell === 'string' ? cell.split(/[\s,;]+/).filter(Boolean) : cell;
    const item = checkRecord(present, `line ${info.lines}`, issues, split);
    if (item) items.push(item);
  }
  return { items, issues };
}

/** The shape of one manifest record: known fields only, of the right types. */
function checkRecord(
  value: unknown,
  where: string,
  issues: Issue[],
  list: (cell: unknown) => unknown,
): BatchItem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ field: where, message: 'must be an object with a "source"' });
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const before = issues.length;
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      issues.push({ field: `${where}: ${key}`, message: `is not a manifest field (${FIELDS.join(', ')})` });
    }
  }
  if (typeof record.source !== 'string' || record.source.trim() === '') {
    issues.push({ field: `${where}: source`, message: 'must be a file path or an http(s) URL' });
  }
  for (const key of ['stems', 'formats'] as const) {
    const cell = list(record[key]);
    if (cell === undefined) continue;
    if (!Array.isArray(cell) || cell.length === 0 || cell.some((each) => typeof each !== 'string' || !each)) {
      issues.push({ field: `${where}: ${key}`, message: 'must be a non-empty list of names' });
    }
    record[key] = cell;
  }
  if (record.name !== undefined && (typeof record.name !== 'string' || !isSafeName(record.name))) {
    issues.push({ field: `${where}: name`, message: 'must be a relative name inside the output folder' });
  }
  if (issues.length > before) return undefined;
  return Object.assign(record as unknown as BatchItem, { line: where });
}

function finish(items: BatchItem[], issues: Issue[]): BatchItem[] {
  const [first] = issues;
  if (first) throw new ManifestError(first.field, first.message, { issues });
  return items;
}

/** Two tracks may not share an output folder: refused up front, naming both. */
function checkNames({ items, issues }: Parsed): BatchItem[] {
  const seen = new Map<string, string>();
  for (const [index, item] of items.entries()) {
    const where = (item as { line?: string }).line ?? item.source;
    let name: string;
    try {
      name = item.name ?? defaultName(item.source);
    } catch {
      issues.push({ field: `${where}: source`, message: 'is not a valid URL' });
      continue;
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      issues.push({ field: where, message: `has the same output name "${name}" as ${earlier}` });
    } else seen.set(name, where);
    // The line number was only for messages.
    const { line: _line, ...clean } = item as BatchItem & { line?: string };
    items[index] = clean;
  }
  return finish(items, issues);
}

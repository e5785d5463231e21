import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import type { TrackResult } from './run.ts';

const COLUMNS = [
  'track',
  'source',
  'status',
  'provider_job',
  'output_files',
  'error',
  'uncertain_starts',
] as const;

/** One report line: the columns of the CSV, as JSON. */
function line(result: TrackResult) {
  return {
    track: result.name,
    source: result.source,
    status: result.status,
    provider_job: result.jobId ?? '',
    output_files: result.outputs.map((output) => output.path),
    error: result.error ?? '',
    uncertain_starts: result.uncertainStarts,
  };
}

/** A CSV cell: quoted, quotes doubled; a leading `= + - @` is escaped so no spreadsheet runs it as a formula. */
function cell(value: unknown): string {
  let text = Array.isArray(value) ? value.join('; ') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** Writes to a stream, waiting when its buffer is full, so a report of a million lines is never held. */
async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * Writes a batch's report twice, both atomically and streaming (results are written as they come, none held):
 * `<base>.jsonl` (one JSON object per track) and `<base>.csv` (UTF-8 with a byte-order mark and CRLF line
 * ends, which spreadsheets open as they are). Columns: track, source, status, provider_job, output_files,
 * error, uncertain_starts. Pass `batchResults(queue, { out })` to write it from the ledger.
 *
 * @example
 * ```ts
 * await writeBatchReport(batchResults(queue, { out: 'stems' }), 'stems/batch-report'); // stems/batch-report.jsonl and .csv
 * ```
 */
export async function writeBatchReport(
  results: Iterable<TrackResult> | AsyncIterable<TrackResult>,
  base: string,
): Promise<{ jsonl: string; csv: string }> {
  const paths = { jsonl: `${base}.jsonl`, csv: `${base}.csv` };
  await mkdir(dirname(base), { recursive: true });
  const temporary = { jsonl: `${paths.jsonl}.${process.pid}.part`, csv: `${paths.csv}.${process.pid}.part` };
  const jsonl = createWriteStream(temporary.jsonl);
  const csv = createWriteStream(temporary.csv);
  try {
    await write(csv, `\uFEFF${COLUMNS.join(',')}\r\n`);
    for await (const result of results) {
      const each = line(result);
      await write(jsonl, `${JSON.stringify(each)}\n`);
      await write(csv, `${COLUMNS.map((column) => cell(each[column])).join(',')}\r\n`);
    }
    await Promise.all([finished(jsonl.end()), finished(csv.end())]);
  } catch (error) {
    jsonl.destroy();
    csv.destroy();
    await Promise.all([rm(temporary.jsonl, { force: true }), rm(temporary.csv, { force: true })]);
    throw error;
  }
  await rename(temporary.jsonl, paths.jsonl);
  await rename(temporary.csv, paths.csv);
  return paths;
}

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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

/**
 * Writes a batch's report twice, both atomically: `<base>.jsonl` (one JSON object per track) and `<base>.csv`
 * (UTF-8 with a byte-order mark and CRLF line ends, which spreadsheets open as they are). Columns: track,
 * source, status, provider_job, output_files, error, uncertain_starts.
 *
 * @example
 * ```ts
 * const results = [];
 * for await (const result of runBatch(stemkit, items, { out: 'stems' })) results.push(result);
 * await writeBatchReport(results, 'stems/batch-report'); // stems/batch-report.jsonl and .csv
 * ```
 */
export async function writeBatchReport(
  results: readonly TrackResult[],
  base: string,
): Promise<{ jsonl: string; csv: string }> {
  const lines = results.map(line);
  const jsonl = lines.map((each) => JSON.stringify(each)).join('\n') + (lines.length ? '\n' : '');
  const csv = `\uFEFF${[COLUMNS.join(','), ...lines.map((each) => COLUMNS.map((column) => cell(each[column])).join(','))].join('\r\n')}\r\n`;
  const paths = { jsonl: `${base}.jsonl`, csv: `${base}.csv` };
  await mkdir(dirname(base), { recursive: true });
  for (const [path, text] of [
    [paths.jsonl, jsonl],
    [paths.csv, csv],
  ] as const) {
    const temporary = `${path}.${process.pid}.part`;
    await writeFile(temporary, text);
    await rename(temporary, path);
  }
  return paths;
}

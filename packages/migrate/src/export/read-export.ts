import { readFile } from 'node:fs/promises';
import { type LegacyJob, LegacyJobSchema, unwrapJob } from '@stemkit/audioshake';
import * as z from 'zod/mini';
import { InputFileError, type LineIssue } from './errors.ts';

/**
 * The legacy jobs of an export, each with the line it came from.
 *
 * @example
 * ```ts
 * const { jobs } = parseLegacyExport(text);
 * jobs[0]?.job.id; // 'clksrfob8000bf7of6xkscy8m'
 * ```
 */
export interface LegacyExport {
  /** The jobs in file order, each with its 1-based line number; never empty, no id twice. */
  readonly jobs: ReadonlyArray<{ readonly line: number; readonly job: LegacyJob }>;
}

/**
 * Reads a JSONL export of legacy Job objects — one per line, `{ "job": … }` wrapped or bare; blank lines are
 * allowed. Validation is strict and all-or-nothing: bad JSON, a cut last line, a job without an id, a source
 * (`sourceAsset.id` or `assetId`) or a model, or a repeated id rejects the whole file with an
 * {@link InputFileError} listing every bad line.
 *
 * @example
 * ```ts
 * const { jobs } = parseLegacyExport('{"job":{"id":"clksrfob8000bf7of6xkscy8m","assetId":"clyxaywtp00ne0jpi4nf435dv","metadata":{"name":"vocals","format":"wav"}}}\n');
 * ```
 */
export function parseLegacyExport(text: string, file = 'export'): LegacyExport {
  const issues: LineIssue[] = [];
  const jobs: Array<{ line: number; job: LegacyJob }> = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  for (const [index, content] of lines.entries()) {
    const line = index + 1;
    if (content.trim() === '') continue;
    const last = index === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      issues.push({
        line,
        message:
          last && !endsWithNewline
            ? 'truncated: the last line is cut short (not valid JSON, no closing newline)'
            : 'not valid JSON',
      });
      continue;
    }
    const problem = jobProblem(unwrapJob(value));
    if (typeof problem === 'string') {
      issues.push({ line, message: problem });
      continue;
    }
    const earlier = seen.get(problem.id);
    if (earlier !== undefined) {
      issues.push({ line, message: `job ${problem.id} repeats line ${earlier}` });
      continue;
    }
    seen.set(problem.id, line);
    jobs.push({ line, job: problem });
  }
  if (issues.length > 0) throw new InputFileError(file, issues);
  if (jobs.length === 0) throw new InputFileError(file, [{ line: 1, message: 'the file holds no job' }]);
  return { jobs };
}

/** The parsed job, or what makes it unusable. */
function jobProblem(value: unknown): LegacyJob | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a Job object';
  const parsed = z.safeParse(LegacyJobSchema, value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `not a legacy Job: ${issue?.path.join('.') || 'job'}: ${issue?.message ?? 'invalid'}`;
  }
  const job = parsed.data;
  if (!(job.sourceAsset?.id ?? job.assetId)) return `job ${job.id} has no source (sourceAsset.id or assetId)`;
  const metadata =
    job.metadata ?? job.stemMetadata ?? job.sourceAsset?.metadata ?? job.sourceAsset?.stemMetadata;
  if (!(metadata?.name ?? metadata?.stemName)) return `job ${job.id} has no model (metadata.name)`;
  return job;
}

/**
 * Reads and validates an export file; see {@link parseLegacyExport}.
 *
 * @example
 * ```ts
 * const { jobs } = await readLegacyExport('legacy-jobs.jsonl');
 * ```
 */
export async function readLegacyExport(path: string): Promise<LegacyExport> {
  return parseLegacyExport(await readFile(path, 'utf8'), path);
}

/**
 * Reads a list of legacy job ids, one per line (blank lines and `#` comments allowed). Ids are 3–60
 * characters without spaces or slashes, as the legacy `GET /job/{id}` takes; a bad or repeated one rejects the
 * whole list with an {@link InputFileError}.
 *
 * @example
 * ```ts
 * parseJobIdList('clksrfob8000bf7of6xkscy8m\n'); // ['clksrfob8000bf7of6xkscy8m']
 * ```
 */
export function parseJobIdList(text: string, file = 'ids'): string[] {
  const issues: LineIssue[] = [];
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of text.split('\n').entries()) {
    const id = raw.trim();
    if (id === '' || id.startsWith('#')) continue;
    if (!/^[^\s/]{3,60}$/.test(id))
      issues.push({
        line: index + 1,
        message: 'not a legacy job id (3–60 characters, no spaces or slashes)',
      });
    else if (seen.has(id)) issues.push({ line: index + 1, message: `job ${id} is listed twice` });
    else {
      seen.add(id);
      ids.push(id);
    }
  }
  if (issues.length > 0) throw new InputFileError(file, issues);
  if (ids.length === 0) throw new InputFileError(file, [{ line: 1, message: 'the file lists no job id' }]);
  return ids;
}

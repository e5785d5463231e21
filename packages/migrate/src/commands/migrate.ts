import { readFile, writeFile } from 'node:fs/promises';
import { applyPlan } from '../apply/apply.ts';
import type { MigrationMapping } from '../apply/mapping.ts';
import { type ConvertTarget, convertExport } from '../convert/convert.ts';
import { fetchLegacyJobs, formatLegacyExport } from '../export/fetch-export.ts';
import { parseJobIdList, readLegacyExport } from '../export/read-export.ts';
import { planMigration, type SourceOverride } from '../plan/plan.ts';
import { readPlan } from '../plan/schema.ts';
import { planSummaryMarkdown, verifyReportMarkdown } from '../report/markdown.ts';
import { jsonText, writeFileAtomic } from '../shared/files.ts';
import { verifyMigration } from '../verify/verify.ts';
import { legacyFromEnvironment, tasksFromEnvironment } from './drivers.ts';
import { type CommandIo, parseFlags, positiveInteger, required, UsageError } from './io.ts';

/** `export --ids <file> --out <file>`: fetches listed legacy jobs into a JSONL export. */
export async function exportCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags(argv, {
    ids: { type: 'string' },
    out: { type: 'string' },
    concurrency: { type: 'string' },
  });
  const idsPath = required(values, 'ids');
  const ids = parseJobIdList(await readFile(idsPath, 'utf8'), idsPath);
  const legacy = legacyFromEnvironment(io.env, true);
  const jobs = await fetchLegacyJobs(legacy!, ids, {
    concurrency: positiveInteger(values, 'concurrency', 8),
    signal: io.signal,
  });
  await writeFileAtomic(required(values, 'out'), formatLegacyExport(jobs));
  io.stderr.write(`exported ${jobs.length} legacy jobs\n`);
  return 0;
}

/** `plan --export <jsonl> | --ids <file>  --out plan.json [--sources sources.json] [--max-targets 10]`. */
export async function planCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags(argv, {
    export: { type: 'string' },
    ids: { type: 'string' },
    out: { type: 'string' },
    sources: { type: 'string' },
    'max-targets': { type: 'string' },
    json: { type: 'boolean' },
  });
  const out = required(values, 'out');
  let jobs: Awaited<ReturnType<typeof fetchLegacyJobs>>;
  if (values.export && values.ids) throw new UsageError('give --export or --ids, not both');
  if (values.export) jobs = (await readLegacyExport(values.export)).jobs.map((each) => each.job);
  else if (values.ids) {
    const ids = parseJobIdList(await readFile(values.ids, 'utf8'), values.ids);
    jobs = await fetchLegacyJobs(legacyFromEnvironment(io.env, true)!, ids, { signal: io.signal });
  } else throw new UsageError('--export <jsonl> or --ids <file> is required');
  const sources = values.sources
    ? (JSON.parse(await readFile(values.sources, 'utf8')) as Record<string, SourceOverride>)
    : undefined;
  const plan = planMigration(jobs, {
    maxTargets: positiveInteger(values, 'max-targets', 10),
    ...(sources ? { sources } : {}),
  });
  await writeFileAtomic(out, jsonText(plan));
  io.stdout.write(
    values.json
      ? jsonText({ plan: plan.id, tasks: plan.tasks.length, jobs: jobs.length })
      : planSummaryMarkdown(plan),
  );
  return 0;
}

/** `apply --plan plan.json --journal <jsonl> --mapping mapping.json [--concurrency 8] [--settle-ms 5000]`. */
export async function applyCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags(argv, {
    plan: { type: 'string' },
    journal: { type: 'string' },
    mapping: { type: 'string' },
    concurrency: { type: 'string' },
    'settle-ms': { type: 'string' },
    json: { type: 'boolean' },
  });
  const plan = await readPlan(required(values, 'plan'));
  let settled = 0;
  const result = await applyPlan({
    plan,
    tasks: tasksFromEnvironment(io.env),
    legacy: legacyFromEnvironment(io.env, false),
    journalPath: required(values, 'journal'),
    mappingPath: required(values, 'mapping'),
    concurrency: positiveInteger(values, 'concurrency', 8),
    settleMs: positiveInteger(values, 'settle-ms', 5_000),
    signal: io.signal,
    onProgress: (event) => {
      if (event.type === 'rejected' || event.type === 'unknown') {
        io.stderr.write(`${event.type} ${event.key}: ${event.message}\n`);
        return;
      }
      // One line per tenth of the plan, so a long run shows it is moving.
      settled++;
      const step = Math.max(1, Math.ceil(plan.tasks.length / 10));
      if (settled % step === 0) io.stderr.write(`${applyProgressLine(settled, plan.tasks.length)}\n`);
    },
  });
  const { mapping: _mapping, ...summary } = result;
  const unmapped = result.mapping.unmapped.length;
  io.stdout.write(
    values.json
      ? jsonText({ ...summary, unmapped })
      : `created ${result.created}, reconciled ${result.reconciled}, already done ${result.alreadyDone}, ` +
          `rejected ${result.rejected.length}, unknown ${result.unknown.length}, duplicates ${result.duplicates.length}, ` +
          `unmapped jobs ${unmapped}: ${result.complete ? 'complete' : 'incomplete — run again to resume'}\n`,
  );
  return result.complete ? 0 : 1;
}

/**
 * The progress line of `apply`, one per tenth of the plan: how many planned tasks this run has settled (created,
 * reconciled or found done), with the right plural.
 *
 * @example
 * ```ts
 * applyProgressLine(1, 10); // 'settled 1 of 10 planned tasks this run'
 * ```
 */
export function applyProgressLine(settled: number, planned: number): string {
  return `settled ${settled} of ${planned} planned ${planned === 1 ? 'task' : 'tasks'} this run`;
}

/** `verify --export <jsonl> --mapping mapping.json --report <path without extension> [--wait <seconds>]`. */
export async function verifyCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags(argv, {
    export: { type: 'string' },
    mapping: { type: 'string' },
    report: { type: 'string' },
    concurrency: { type: 'string' },
    wait: { type: 'string' },
  });
  const jobs = (await readLegacyExport(required(values, 'export'))).jobs.map((each) => each.job);
  const mapping = JSON.parse(await readFile(required(values, 'mapping'), 'utf8')) as MigrationMapping;
  const report = await verifyMigration({
    mapping,
    legacyJobs: jobs,
    tasks: tasksFromEnvironment(io.env),
    legacy: legacyFromEnvironment(io.env, false),
    concurrency: positiveInteger(values, 'concurrency', 8),
    ...(values.wait === undefined ? {} : { waitMs: positiveInteger(values, 'wait', 1) * 1000 }),
    signal: io.signal,
  });
  const base = required(values, 'report');
  await writeFileAtomic(`${base}.json`, jsonText(report));
  await writeFileAtomic(`${base}.md`, verifyReportMarkdown(report));
  const { summary } = report;
  io.stdout.write(
    `${report.clean ? 'clean' : 'FAILED'}: ${summary.passed}/${summary.jobs} jobs passed, ${summary.compared} compared with legacy outputs; report in ${base}.md and ${base}.json\n`,
  );
  return report.clean ? 0 : 1;
}

/** `convert --export <jsonl> --to neutral|tasks|both [--out <jsonl>]`, or `--callback <json file>`. */
export async function convertCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags(argv, {
    export: { type: 'string' },
    callback: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
  });
  const to = (values.to ?? 'both') as ConvertTarget;
  if (!['neutral', 'tasks', 'both'].includes(to)) throw new UsageError('--to must be neutral, tasks or both');
  let payloads: unknown[];
  if (values.callback) payloads = [JSON.parse(await readFile(values.callback, 'utf8'))];
  else payloads = (await readLegacyExport(required(values, 'export'))).jobs.map((each) => each.job);
  const text = convertExport(payloads, to);
  if (values.out) await writeFile(values.out, text);
  else io.stdout.write(text);
  return 0;
}

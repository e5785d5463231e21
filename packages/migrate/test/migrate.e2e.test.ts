import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioshakeTasks } from '@stemkit/audioshake';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrateCommand } from '../src/commands/main.ts';
import {
  applyPlan,
  fetchLegacyJobs,
  formatLegacyExport,
  Journal,
  type MigrationPlan,
  migrationKeyOf,
  parseLegacyExport,
  planMigration,
  verifyMigration,
  verifyReportMarkdown,
} from '../src/index.ts';
import {
  allTasks,
  createLegacyJob,
  environmentOf,
  legacyDriverOf,
  startFastEmulator,
  tasksDriverOf,
  uploadSources,
  waitForLegacyJobs,
} from './support/emulator.ts';

let emulator: RunningEmulator;
let directory: string;
let exportText: string;

/** Eleven distinct targets on the first source (a task takes ten), duplicates, and fields Tasks drops. */
const JOBS = (assets: string[]) => [
  ...['vocals', 'drums', 'bass', 'other', 'instrumental'].flatMap((name) => [
    { assetId: assets[0], metadata: { name, format: 'wav' } },
    { assetId: assets[0], metadata: { name, format: 'wav', residual: true } },
  ]),
  { assetId: assets[0], metadata: { name: 'vocals', format: 'wav', variant: 'high_quality' } },
  { assetId: assets[0], metadata: { name: 'vocals', format: 'wav' } },
  {
    assetId: assets[1],
    metadata: { name: 'drums', format: 'wav', preview: true, maxTrackLength: 60, customProperty: 'order-7' },
    callbackUrl: 'https://app.example/hooks',
  },
  { assetId: assets[1], metadata: { name: 'drums', format: 'wav', watermarkInterval: 15 } },
];

beforeAll(async () => {
  emulator = await startFastEmulator();
  directory = await mkdtemp(join(tmpdir(), 'stemkit-migrate-'));
  const assets = (await uploadSources(emulator, 2)).map((asset) => asset.id);
  const ids: string[] = [];
  for (const body of JOBS(assets)) ids.push(await createLegacyJob(emulator, body));
  await waitForLegacyJobs(emulator, ids);
  exportText = formatLegacyExport(await fetchLegacyJobs(legacyDriverOf(emulator), ids));
});
afterAll(async () => {
  await emulator.close();
  await rm(directory, { recursive: true, force: true });
});

describe('plan, apply and verify on the emulator', () => {
  let plan: MigrationPlan;

  it('plans consolidated tasks of at most ten targets and reports every field', () => {
    const { jobs } = parseLegacyExport(exportText);
    expect(jobs).toHaveLength(14);
    plan = planMigration(
      jobs.map((each) => each.job),
      { now: () => new Date('2026-11-22T00:00:00Z') },
    );
    // Source 1: eleven distinct targets → 10 + 1; source 2: drums twice → one target.
    expect(plan.tasks.map((task) => task.targets.length).sort()).toEqual([1, 1, 10]);
    expect(Object.keys(plan.jobs)).toHaveLength(14);
    const duplicates = jobs.filter(
      (each) =>
        each.job.metadata?.name === 'vocals' && !each.job.metadata?.residual && !each.job.metadata?.variant,
    );
    expect(new Set(duplicates.map((each) => JSON.stringify(plan.jobs[each.job.id])))).toHaveProperty(
      'size',
      1,
    );
    const outcome = (field: string) => plan.fields.find((row) => row.field === field)?.outcome;
    expect(outcome('metadata.preview')).toBe('behaviour-change');
    expect(outcome('metadata.maxTrackLength')).toBe('behaviour-change');
    expect(outcome('metadata.watermarkInterval')).toBe('behaviour-change');
    expect(outcome('callbackUrl')).toBe('behaviour-change');
    expect(outcome('metadata.customProperty')).toBe('mapped');
    expect(plan.fields.find((row) => row.field === 'metadata.name')?.jobs).toBe(14);
    for (const task of plan.tasks) expect(migrationKeyOf(task.metadata)).toBe(task.key);
    expect(JSON.stringify(plan)).not.toMatch(/X-Goog-Signature|emulator-legacy-token/);
    // The same export plans to the same keys: the keys are stable.
    expect(planMigration(jobs.map((each) => each.job)).tasks.map((task) => task.key)).toEqual(
      plan.tasks.map((task) => task.key),
    );
  });

  it('exports and plans from a list of job ids fetched through the legacy API, as from the export', async () => {
    const { jobs } = parseLegacyExport(exportText);
    const ids = join(directory, 'ids.txt');
    await writeFile(ids, `${jobs.map((each) => each.job.id).join('\n')}\n`);
    let stdout = '';
    const io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env: environmentOf(emulator),
    };
    const exported = join(directory, 'exported.jsonl');
    expect(await runMigrateCommand(['export', '--ids', ids, '--out', exported], io)).toBe(0);
    expect(parseLegacyExport(await readFile(exported, 'utf8')).jobs.map((each) => each.job.id)).toEqual(
      jobs.map((each) => each.job.id),
    );
    const out = join(directory, 'plan-from-ids.json');
    expect(await runMigrateCommand(['plan', '--ids', ids, '--out', out], io)).toBe(0);
    expect(stdout).toContain('14 legacy jobs → 3 tasks, 12 targets');
    const fromIds = JSON.parse(await readFile(out, 'utf8')) as MigrationPlan;
    expect(fromIds.id).toBe(plan.id);
  });

  it('applies the plan, resumes without creating anything twice, and maps every job', async () => {
    const options = {
      plan,
      tasks: tasksDriverOf(emulator),
      legacy: legacyDriverOf(emulator),
      journalPath: join(directory, 'journal.jsonl'),
      mappingPath: join(directory, 'mapping.json'),
    };
    const first = await applyPlan(options);
    expect(first).toMatchObject({ created: 3, reconciled: 0, complete: true, duplicates: [] });
    const again = await applyPlan(options);
    expect(again).toMatchObject({ created: 0, alreadyDone: 3, complete: true });
    const mapping = JSON.parse(await readFile(options.mappingPath, 'utf8'));
    expect(Object.keys(mapping.jobs)).toHaveLength(14);
    const tasks = await allTasks(emulator);
    expect(tasks.filter((task) => migrationKeyOf(task.metadata))).toHaveLength(3);
    const journal = await readFile(options.journalPath, 'utf8');
    expect(journal).not.toMatch(/X-Goog-Signature|emulator-tasks-key|emulator-legacy-token/);
  });

  it('verifies every target against the legacy outputs, waiting for tasks still running', async () => {
    const mapping = JSON.parse(await readFile(join(directory, 'mapping.json'), 'utf8'));
    const tasks = tasksDriverOf(emulator);
    const report = await verifyMigration({
      mapping,
      legacyJobs: parseLegacyExport(exportText).jobs.map((each) => each.job),
      tasks,
      legacy: legacyDriverOf(emulator),
      waitMs: 30_000,
    });
    expect(report.summary).toMatchObject({ jobs: 14, passed: 14, failed: 0, compared: 14 });
    expect(report.clean).toBe(true);
    expect(verifyReportMarkdown(report)).toContain('**clean**');
  });

  it('reports a job whose target failed, and a job missing from the mapping', async () => {
    const mapping = JSON.parse(await readFile(join(directory, 'mapping.json'), 'utf8'));
    const [first, ...rest] = Object.keys(mapping.jobs);
    delete mapping.jobs[first as string];
    const report = await verifyMigration({
      mapping,
      legacyJobs: parseLegacyExport(exportText).jobs.map((each) => each.job),
      tasks: tasksDriverOf(emulator),
    });
    expect(report.summary).toMatchObject({ jobs: 14, failed: 1, compared: 0, notCompared: 14 });
    expect(report.jobs.find((job) => !job.ok)?.problems[0]).toMatch(/not in the mapping/);
    expect(report.jobs.find((job) => job.legacyJobId === rest[0])?.notes[0]).toMatch(/no legacy credentials/);
    expect(verifyReportMarkdown(report)).toContain('## Failures');
  });

  it('reconciles an intent whose task was created before a crash, instead of creating it again', async () => {
    const local = planMigration(
      parseLegacyExport(exportText)
        .jobs.map((each) => each.job)
        .slice(0, 2),
    );
    // Two targets of the first source: a task the full plan never had.
    const journalPath = join(directory, 'crash.jsonl');
    const [task] = local.tasks;
    const journal = await Journal.open(journalPath, local.id);
    await journal.append({ type: 'intent', key: task!.key, at: new Date().toISOString() });
    await journal.close();
    // The "crashed" run got as far as creating the task on the provider.
    const legacy = legacyDriverOf(emulator);
    const tasks = tasksDriverOf(emulator);
    const source = await legacy.status({
      contract: 1,
      provider: 'audioshake-legacy',
      id: (task!.source as { legacyJobId: string }).legacyJobId,
    });
    const created = await tasks.start({
      source: { url: source.job.source!.url! },
      targets: task!.targets.map((target) => ({
        stem: target.model,
        formats: target.formats,
        residual: target.residual,
      })),
      metadata: task!.metadata,
    });
    const result = await applyPlan({ plan: local, tasks, legacy, journalPath, settleMs: 200 });
    expect(result).toMatchObject({ created: 0, reconciled: 1, complete: true, duplicates: [] });
    expect(Object.values(result.mapping.jobs).every((place) => place.taskId === created.handle.id)).toBe(
      true,
    );
  });

  it('settles a create that timed out within one run: each task exists once', async () => {
    // Single-target tasks of the first source: keys no earlier test used.
    const local = planMigration(
      parseLegacyExport(exportText)
        .jobs.map((each) => each.job)
        .slice(2, 6),
      { maxTargets: 1 },
    );
    expect(local.tasks).toHaveLength(4);
    emulator.faults.set({
      // The first create answers after the client gave up: its outcome is unknown until looked up.
      latency: [{ api: 'tasks', method: 'POST', path: '/tasks', milliseconds: 1_500, count: 1 }],
    });
    const impatient = audioshakeTasks({
      apiKey: emulator.tasks.apiKey,
      baseUrl: emulator.tasks.baseUrl,
      timeoutMs: 500,
    });
    const first = await applyPlan({
      plan: local,
      tasks: impatient,
      legacy: legacyDriverOf(emulator),
      journalPath: join(directory, 'faults.jsonl'),
      concurrency: 1,
      settleMs: 2_000,
    });
    emulator.faults.clear();
    expect(first).toMatchObject({ complete: true, duplicates: [], unknown: [] });
    expect(first.created + first.reconciled).toBe(4);
    const keys = new Set(local.tasks.map((task) => task.key));
    const tasks = (await allTasks(emulator)).filter((task) => keys.has(migrationKeyOf(task.metadata) ?? ''));
    expect(tasks).toHaveLength(4);
  });

  it('settles a 500 on create within one run', async () => {
    const local = planMigration(
      parseLegacyExport(exportText)
        .jobs.map((each) => each.job)
        .slice(6, 8),
      { maxTargets: 1 },
    );
    emulator.faults.set({
      serverError: [{ api: 'tasks', method: 'POST', path: '/tasks', status: 500, count: 1 }],
    });
    const options = {
      plan: local,
      tasks: tasksDriverOf(emulator),
      legacy: legacyDriverOf(emulator),
      journalPath: join(directory, 'rejected.jsonl'),
      concurrency: 1,
      settleMs: 100,
    };
    const result = await applyPlan(options);
    emulator.faults.clear();
    // A 500 leaves the outcome unknown: it is looked up (not found) and created in the next round.
    expect(result).toMatchObject({ complete: true, created: 2, reconciled: 0, duplicates: [] });
  });

  it('takes a 429 on create for what it is, nothing created: no lookup, tried again in the next round', async () => {
    const local = planMigration(
      parseLegacyExport(exportText)
        .jobs.map((each) => each.job)
        .slice(8, 9),
      { maxTargets: 1 },
    );
    emulator.faults.set({
      rateLimit: [{ api: 'tasks', method: 'POST', path: '/tasks', count: 1, retryAfterSeconds: 0 }],
    });
    const journalPath = join(directory, 'rate-limited.jsonl');
    const events: string[] = [];
    const result = await applyPlan({
      plan: local,
      // No transport retry, so the 429 reaches the apply run itself.
      tasks: audioshakeTasks({
        apiKey: emulator.tasks.apiKey,
        baseUrl: emulator.tasks.baseUrl,
        retryLimit: 0,
      }),
      legacy: legacyDriverOf(emulator),
      journalPath,
      concurrency: 1,
      settleMs: 100,
      onProgress: (event) => events.push(event.type),
    });
    emulator.faults.clear();
    expect(result).toMatchObject({ complete: true, created: 1, reconciled: 0, unknown: [], rejected: [] });
    // Settled as refused (never left pending for a lookup by key), then created.
    expect(events).toEqual(['rejected', 'created']);
    const journal = (await readFile(journalPath, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).type);
    expect(journal).toEqual(['begin', 'intent', 'rejected', 'intent', 'created']);
  });

  it('records a create the provider refuses as rejected: nothing is created, the mapping says what is missing', async () => {
    const jobs = parseLegacyExport(exportText).jobs.map((each) => each.job);
    const assetId = jobs[0]?.sourceAsset?.id as string;
    const local = planMigration(jobs.slice(0, 1), {
      sources: { [assetId]: { url: 'https://unreachable.example/song.wav' } },
    });
    const journalPath = join(directory, 'refused.jsonl');
    const result = await applyPlan({
      plan: local,
      tasks: tasksDriverOf(emulator),
      journalPath,
      settleMs: 100,
    });
    expect(result).toMatchObject({ complete: false, created: 0, unknown: [] });
    expect(result.rejected[0]?.message).toMatch(/url/);
    expect(result.mapping.unmapped).toEqual([jobs[0]?.id]);
    expect(await readFile(journalPath, 'utf8')).toContain('"type":"rejected"');
  });
});

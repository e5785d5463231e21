import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLegacyJobs, formatLegacyExport, type MigrationPlan, migrationKeyOf } from '../src/index.ts';
import { runPool } from '../src/shared/pool.ts';
import {
  allTasks,
  createLegacyJob,
  environmentOf,
  legacyDriverOf,
  startFastEmulator,
  uploadSources,
  waitForLegacyJobs,
} from './support/emulator.ts';
import { runMigrate, seededRandom, spawnMigrate } from './support/subprocess.ts';

const JOBS = 1_000;
const SOURCES = 40;
const KILLS = 5;
const SEED = 20_261_122;
/** Per source: five models with and without residual, plus a variant — eleven targets, so two tasks. */
const COMBINATIONS = [
  ...['vocals', 'drums', 'bass', 'other', 'instrumental'].flatMap((name) => [
    { name, format: 'wav' },
    { name, format: 'wav', residual: true },
  ]),
  { name: 'vocals', format: 'wav', variant: 'high_quality' },
];

let emulator: RunningEmulator;
let directory: string;
const random = seededRandom(SEED);
const figures: Record<string, number> = {};

beforeAll(async () => {
  const started = Date.now();
  emulator = await startFastEmulator();
  directory = await mkdtemp(join(tmpdir(), 'stemkit-acceptance-'));
  const sources = await uploadSources(emulator, SOURCES, 0.5);
  const bodies = Array.from({ length: JOBS }, (_, index) => {
    // Each source gets every combination at least twice over its 25 jobs: duplicates consolidate.
    const metadata: Record<string, unknown> = {
      ...COMBINATIONS[Math.floor(index / SOURCES) % COMBINATIONS.length],
    };
    if (index % 7 === 0) metadata.customProperty = `order-${index}`;
    if (index % 50 === 0) metadata.preview = true;
    return {
      assetId: (sources[index % SOURCES] as { id: string }).id,
      metadata,
      ...(index % 25 === 0 ? { callbackUrl: 'https://app.example/hooks' } : {}),
    };
  });
  const ids: string[] = new Array(JOBS);
  await runPool(bodies, 16, async (body, index) => {
    ids[index] = await createLegacyJob(emulator, body);
  });
  figures.createSeconds = (Date.now() - started) / 1000;
  await waitForLegacyJobs(emulator, ids);
  figures.legacyDoneSeconds = (Date.now() - started) / 1000;
  await writeFile(join(directory, 'ids.txt'), `${ids.join('\n')}\n`);
  const jobs = await fetchLegacyJobs(legacyDriverOf(emulator), ids, { concurrency: 16 });
  await writeFile(join(directory, 'export.jsonl'), formatLegacyExport(jobs));
  figures.setupSeconds = (Date.now() - started) / 1000;
}, 180_000);

afterAll(async () => {
  await emulator?.close();
  await rm(directory, { recursive: true, force: true });
  console.info('acceptance figures', figures);
});

describe(`${JOBS} legacy jobs: plan, apply killed ${KILLS} times and resumed, verify`, () => {
  it('creates every task exactly once, maps every job and verifies clean', async () => {
    const env = environmentOf(emulator);
    const path = (name: string) => join(directory, name);
    const planned = await runMigrate(
      ['plan', '--export', path('export.jsonl'), '--out', path('plan.json'), '--json'],
      env,
    );
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(await readFile(path('plan.json'), 'utf8')) as MigrationPlan;
    expect(Object.keys(plan.jobs)).toHaveLength(JOBS);
    expect(plan.tasks).toHaveLength(SOURCES * 2);
    expect(Math.max(...plan.tasks.map((task) => task.targets.length))).toBe(10);

    const applyArgs = [
      'apply',
      '--plan',
      path('plan.json'),
      '--journal',
      path('journal.jsonl'),
      '--mapping',
      path('mapping.json'),
      '--concurrency',
      '4',
      '--settle-ms',
      '1000',
    ];
    const started = Date.now();
    let kills = 0;
    let runs = 0;
    let finished = false;
    while (!finished && runs < KILLS + 5) {
      runs++;
      const before = await journalLines(path('journal.jsonl'));
      const run = spawnMigrate(applyArgs, env);
      if (kills < KILLS) {
        // Kill once the journal has grown by a random number of records (mid-creation), or after a random delay.
        // At most 16 records (8 tasks) per killed run, so the kills land before the 80 tasks are all created.
        const grow = 2 + Math.floor(random() * 15);
        const deadline = Date.now() + 600 + random() * 2_500;
        let exited = false;
        run.exited.then(() => (exited = true));
        while (
          !exited &&
          Date.now() < deadline &&
          (await journalLines(path('journal.jsonl'))) < before + grow
        ) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        if (!exited) {
          run.child.kill('SIGKILL');
          kills++;
        }
      }
      const { code, signal } = await run.exited;
      finished = code === 0;
      if (!finished && signal === null) expect.fail(`apply exited ${code}: ${run.output.stderr}`);
    }
    figures.applySeconds = (Date.now() - started) / 1000;
    figures.applyRuns = runs;
    figures.kills = kills;
    expect(kills).toBe(KILLS);
    expect(finished).toBe(true);

    const tasks = await allTasks(emulator);
    const byKey = new Map<string, number>();
    for (const task of tasks) {
      const key = migrationKeyOf(task.metadata);
      if (key) byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
    figures.tasksOnEmulator = tasks.length;
    figures.duplicates = [...byKey.values()].filter((count) => count > 1).length;
    expect(figures.duplicates).toBe(0);
    expect([...byKey.keys()].sort()).toEqual(plan.tasks.map((task) => task.key).sort());
    expect(tasks).toHaveLength(plan.tasks.length);

    const mapping = JSON.parse(await readFile(path('mapping.json'), 'utf8'));
    expect(mapping.complete).toBe(true);
    expect(Object.keys(mapping.jobs)).toHaveLength(JOBS);
    const journal = await readFile(path('journal.jsonl'), 'utf8');
    expect(journal).not.toMatch(/X-Goog-Signature|emulator-tasks-key|emulator-legacy-token/);
    figures.reconciled = journal.split('\n').filter((line) => line.includes('"reconciled":true')).length;

    const verifyStarted = Date.now();
    const verified = await runMigrate(
      [
        'verify',
        '--export',
        path('export.jsonl'),
        '--mapping',
        path('mapping.json'),
        '--report',
        path('verify'),
        '--concurrency',
        '16',
        '--wait',
        '120',
      ],
      env,
    );
    figures.verifySeconds = (Date.now() - verifyStarted) / 1000;
    const report = JSON.parse(await readFile(path('verify.json'), 'utf8'));
    expect(report.jobs.filter((job: { ok: boolean }) => !job.ok).slice(0, 5)).toEqual([]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(report.clean).toBe(true);
    expect(report.summary).toMatchObject({ jobs: JOBS, passed: JOBS, failed: 0, compared: JOBS });
    expect(await readFile(path('verify.md'), 'utf8')).toContain('**clean**');
  }, 240_000);
});

async function journalLines(path: string): Promise<number> {
  try {
    return (await readFile(path, 'utf8')).split('\n').length - 1;
  } catch {
    return 0;
  }
}

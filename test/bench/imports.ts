import { sampleWav } from '@stemkit/testing';
import { bundleSize } from '../../scripts/bundle-size.ts';
import { startEmulatorProcess } from './support/emulator.ts';
import { measured, median, table } from './support/measure.ts';

// Cold import and bundle weight of core + each driver, next to two peer SDKs measured the same way; then the time
// to a first answer from the provider, next to the same call written by hand with `fetch`.
// Start-up CPU varies by tens of milliseconds from one process to the next here: many rounds, medians.
const RUNS = 41;

/** What an app imports, as an ES module entry (the same entries as scripts/size-budget.mjs, plus the peers). */
const entries: Record<string, { bundle: string; imports: string[] }> = {
  '@stemkit/core': { bundle: `export { createStemkit } from '@stemkit/core';`, imports: ['@stemkit/core'] },
  'core + sourcere': {
    bundle: `export { createStemkit } from '@stemkit/core'; export { sourcere } from '@stemkit/sourcere';`,
    imports: ['@stemkit/core', '@stemkit/sourcere'],
  },
  'core + audioshakeTasks': {
    bundle: `export { createStemkit } from '@stemkit/core'; export { audioshakeTasks } from '@stemkit/audioshake';`,
    imports: ['@stemkit/core', '@stemkit/audioshake'],
  },
  'core + audioshakeLegacy': {
    bundle: `export { createStemkit } from '@stemkit/core'; export { audioshakeLegacy } from '@stemkit/audioshake';`,
    imports: ['@stemkit/core', '@stemkit/audioshake'],
  },
  replicate: { bundle: `export { default } from 'replicate';`, imports: ['replicate'] },
  '@fal-ai/client': {
    bundle: `export { fal, createFalClient } from '@fal-ai/client';`,
    imports: ['@fal-ai/client'],
  },
};

interface ImportReport {
  cpuMs: number;
  files: number;
  undici: boolean;
}

/**
 * A fresh process that imports `modules` (none: bare Node) and reports its whole CPU so far (user + system, start-up
 * included) and whether Node's fetch (undici) was loaded; with `count`, also the module files it loaded (through
 * a loader hook, which costs CPU of its own: counted in a separate run).
 */
function importProcess(modules: readonly string[], count = false) {
  const script = [
    'let files = 0;',
    ...(count
      ? [
          `const { registerHooks } = await import('node:module');`,
          `registerHooks({ load(url, context, next) { if (url.startsWith('file:')) files += 1; return next(url, context); } });`,
        ]
      : []),
    ...modules.map((name) => `await import(${JSON.stringify(name)});`),
    'const cpu = process.cpuUsage();',
    `const undici = process.moduleLoadList.some((name) => name.includes('undici'));`,
    'console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, files, undici }));',
  ].join('\n');
  return measured<ImportReport>(process.execPath, ['--input-type=module', '-e', script]);
}

const milliseconds = (values: number[]) =>
  `+${median(values).toFixed(1)} ms (${Math.min(...values).toFixed(1)} to ${Math.max(...values).toFixed(1)})`;

export async function importsAndSizes(): Promise<{ body: string; headline: string[] }> {
  const names = Object.keys(entries);
  // Alternating runs: each entry's CPU is taken over the bare process of the same round.
  const over: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const last: Record<string, ImportReport> = {};
  for (let run = 0; run < RUNS; run++) {
    const bare = (await importProcess([])).report;
    for (const name of names) {
      const { report } = await importProcess((entries[name] as { imports: string[] }).imports);
      over[name]?.push(report.cpuMs - bare.cpuMs);
      last[name] = report;
    }
  }
  const rows: string[][] = [];
  for (const name of names) {
    const { minified, gzipped } = await bundleSize((entries[name] as { bundle: string }).bundle);
    const files = (await importProcess((entries[name] as { imports: string[] }).imports, true)).report.files;
    const report = last[name] as ImportReport;
    rows.push([
      name,
      milliseconds(over[name] as number[]),
      String(files),
      report.undici ? 'yes' : 'no',
      `${(minified / 1000).toFixed(1)} kB`,
      `${(gzipped / 1000).toFixed(1)} kB`,
    ]);
  }
  const firstAnswer = await timeToFirstAnswer();
  const of = (name: string) => rows.find((row) => row[0] === name) as string[];
  const headline = [
    `core + a driver: ${of('core + sourcere')[1]} / ${of('core + audioshakeTasks')[1]} whole-process CPU over bare Node, ${of('core + sourcere')[5]} / ${of('core + audioshakeTasks')[5]} gzipped (replicate ${of('replicate')[1]}, ${of('replicate')[5]}; @fal-ai/client ${of('@fal-ai/client')[1]}, ${of('@fal-ai/client')[5]})`,
    firstAnswer.headline,
  ];
  const body = [
    `Cold import: a fresh Node ${process.versions.node} process imports the built \`dist\` (ES modules, \`-e\`) and reports its whole CPU (user + system, start-up included); the figure is that CPU less a bare process's of the same round, median of ${RUNS} alternating rounds (range). Module files: those the import loaded (every \`file:\` URL). Bundle: esbuild for the browser (ESM, minified) and gzip -9, as \`scripts/size-budget.mjs\` measures.`,
    '',
    table(
      [
        'entry',
        'cold import, CPU over bare Node',
        'module files',
        "loads Node's fetch",
        'minified',
        'gzipped',
      ],
      rows,
    ),
    '',
    firstAnswer.body,
  ].join('\n');
  return { body, headline };
}

interface AnswerReport {
  milliseconds: number;
  cpuMs: number;
  /** Wall milliseconds of each step, in order (the first: Node's own start-up). */
  steps: number[];
}

/**
 * From process start to the first answer of the provider (a Tasks `GET /tasks/:id`, against the emulator in
 * another process): through stemkit (`import`, `createStemkit`, `get`) and written by hand with `fetch`.
 */
async function timeToFirstAnswer(): Promise<{ body: string; headline: string }> {
  const emulator = await startEmulatorProcess();
  try {
    const { baseUrl, apiKey } = emulator.info.tasks;
    const form = new FormData();
    form.append('file', new Blob([sampleWav({ seconds: 1 })]), 'song.wav');
    const headers = { 'x-api-key': apiKey };
    const asset = (await (
      await fetch(`${baseUrl}/assets`, { method: 'POST', headers, body: form })
    ).json()) as {
      id: string;
    };
    const task = (await (
      await fetch(`${baseUrl}/tasks`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ assetId: asset.id, targets: [{ model: 'vocals', formats: ['wav'] }] }),
      })
    ).json()) as { id: string };
    // `mark()` closes a step; dynamic imports so that importing is a step of its own.
    const prelude = 'const marks = [performance.now()]; const mark = () => marks.push(performance.now());';
    const report =
      'console.log(JSON.stringify({ milliseconds: performance.now(), cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000, steps: marks.map((at, index) => at - (marks[index - 1] ?? 0)) }));';
    const scripts = {
      stemkit: [
        prelude,
        `const { createStemkit } = await import('@stemkit/core');`,
        `const { audioshakeTasks } = await import('@stemkit/audioshake');`,
        'mark();',
        `const stemkit = createStemkit({ driver: audioshakeTasks({ baseUrl: ${JSON.stringify(baseUrl)}, apiKey: ${JSON.stringify(apiKey)} }) });`,
        'mark();',
        `await stemkit.get({ contract: 1, provider: 'audioshake-tasks', id: ${JSON.stringify(task.id)} });`,
        'mark();',
        report,
      ].join('\n'),
      fetch: [
        prelude,
        'mark(); mark();',
        `const response = await fetch(${JSON.stringify(`${baseUrl}/tasks/${task.id}`)}, { headers: { 'x-api-key': ${JSON.stringify(apiKey)} } });`,
        'if (!response.ok) throw new Error(String(response.status));',
        'await response.json();',
        'mark();',
        report,
      ].join('\n'),
    };
    const results: Record<'stemkit' | 'fetch', AnswerReport[]> = { stemkit: [], fetch: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const name of run % 2 === 0 ? (['stemkit', 'fetch'] as const) : (['fetch', 'stemkit'] as const)) {
        results[name].push(
          (await measured<AnswerReport>(process.execPath, ['--input-type=module', '-e', scripts[name]]))
            .report,
        );
      }
    }
    type Figure = 'milliseconds' | 'cpuMs';
    const ratios = (key: Figure) =>
      results.stemkit
        .map((each, run) => each[key] / (results.fetch[run] as AnswerReport)[key])
        .sort((a, b) => a - b);
    const describe = (key: Figure) => {
      const values = ratios(key);
      return `${median(values).toFixed(2)}× (${(values[0] as number).toFixed(2)}–${(values.at(-1) as number).toFixed(2)}×)`;
    };
    const of = (name: 'stemkit' | 'fetch', key: Figure) =>
      `${median(results[name].map((each) => each[key])).toFixed(1)} ms`;
    const step = (name: 'stemkit' | 'fetch', index: number) =>
      `${median(results[name].map((each) => each.steps[index] ?? 0)).toFixed(1)} ms`;
    const rows = [
      [
        'stemkit: import core + Tasks driver, `createStemkit`, `get`',
        of('stemkit', 'milliseconds'),
        of('stemkit', 'cpuMs'),
        step('stemkit', 0),
        step('stemkit', 1),
        step('stemkit', 2),
        step('stemkit', 3),
      ],
      [
        'by hand: `fetch` and `response.json()`',
        of('fetch', 'milliseconds'),
        of('fetch', 'cpuMs'),
        step('fetch', 0),
        '—',
        '—',
        step('fetch', 3),
      ],
      ['stemkit / by hand, run by run', describe('milliseconds'), describe('cpuMs'), '', '', '', ''],
    ];
    return {
      body: `Time to first answer: a fresh process from its start (\`performance.now()\`) to the first provider answer read, a Tasks \`GET /tasks/:id\` to the emulator in another process on loopback; stemkit validates it and maps it to a \`Job\`. Median of ${RUNS} alternating runs (range of the per-run ratio); the steps are wall time, each median on its own.\n\n${table(['client', 'time to first answer', 'CPU by then', 'Node start-up', 'import', '`createStemkit`', 'first answer'], rows)}`,
      headline: `time to first answer (process start → first provider answer): stemkit ${of('stemkit', 'milliseconds')}, hand-written \`fetch\` ${of('fetch', 'milliseconds')} (${describe('milliseconds')})`,
    };
  } finally {
    await emulator.stop();
  }
}

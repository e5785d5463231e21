import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { bundleSize } from '../../scripts/bundle-size.ts';
import { measured, median, table, testPackageDirectory } from './support/measure.ts';

// Cold import time and bundle weight of core + each driver, next to two peer SDKs measured the same way.
const RUNS = 7;

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

/** Milliseconds from a fresh process to the modules being evaluated (Node's own start-up excluded). */
async function importTime(modules: readonly string[]): Promise<number> {
  return timed(modules.map((name) => `await import(${JSON.stringify(name)});`).join(' '));
}

/** Milliseconds a statement takes in a fresh process, median of the runs. */
async function timed(statement: string): Promise<number> {
  const script = `const start = performance.now(); ${statement} console.log(JSON.stringify({ ms: performance.now() - start }));`;
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { report } = await measured<{ ms: number }>(process.execPath, [
      '--input-type=module',
      '-e',
      script,
    ]);
    times.push(report.ms);
  }
  return median(times);
}

export async function importsAndSizes(): Promise<{ body: string; headline: string[] }> {
  const rows: string[][] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const { minified, gzipped } = await bundleSize(entry.bundle);
    const milliseconds = await importTime(entry.imports);
    rows.push([
      name,
      `${milliseconds.toFixed(1)} ms`,
      `${(minified / 1000).toFixed(1)} kB`,
      `${(gzipped / 1000).toFixed(1)} kB`,
    ]);
  }
  // Where core's time goes: its schema library's module graph, and Node loading its fetch (undici) on first
  // touch, which ky's feature checks do at import and any fetch-based client pays by its first request.
  const zod = pathToFileURL(
    createRequire(
      createRequire(`${testPackageDirectory}/package.json`).resolve('@stemkit/core/package.json'),
    ).resolve('zod/mini'),
  ).href;
  const context = [
    ['of which `zod/mini` alone', await timed(`await import(${JSON.stringify(zod)});`)],
    ["of which Node's `fetch` on first use", await timed(`new Request('http://localhost/');`)],
  ] as const;
  rows.splice(
    1,
    0,
    ...context.map(([name, milliseconds]) => [name, `${milliseconds.toFixed(1)} ms`, '', '']),
  );
  const of = (name: string) => rows.find((row) => row[0] === name) as string[];
  const headline = [
    `core + a driver: ${of('core + sourcere')[1]} cold import, ${of('core + sourcere')[3]} gzipped (replicate ${of('replicate')[1]}, ${of('replicate')[3]}; @fal-ai/client ${of('@fal-ai/client')[1]}, ${of('@fal-ai/client')[3]})`,
  ];
  const body = `Cold \`await import()\` in a fresh Node ${process.versions.node} process (median of ${RUNS}), from the built \`dist\`; bundle for the browser with esbuild (ESM, minified) and gzip -9, as \`scripts/size-budget.mjs\` measures.\n\n${table(['entry', 'cold import', 'minified', 'gzipped'], rows)}`;
  return { body, headline };
}

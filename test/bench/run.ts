// Benchmarks report figures, never assert timings. `pnpm bench` (after `turbo run build`) runs every suite on the
// built packages and writes test/bench/RESULTS.md: the headline figures first, then one section per suite.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { batch, catalogue } from './batch.ts';
import { emulatorCost } from './emulator.ts';
import { importsAndSizes } from './imports.ts';
import { overhead } from './overhead.ts';
import { polling } from './polling.ts';
import { transfers } from './transfers.ts';

const only = process.argv.slice(2);
const suites: Array<{ name: string; run: () => Promise<{ body: string; headline: string[] }> }> = [
  { name: 'Per-job client overhead', run: overhead },
  { name: 'Requests spent waiting', run: polling },
  { name: 'Cold import and bundle size', run: importsAndSizes },
  { name: 'Uploads and downloads', run: transfers },
  { name: 'Catalogue batches', run: batch },
  { name: 'Catalogue intake', run: catalogue },
  { name: 'Emulator processing', run: emulatorCost },
].filter(
  (suite) => only.length === 0 || only.some((name) => suite.name.toLowerCase().includes(name.toLowerCase())),
);

const sections: string[] = [];
const headlines: string[] = [];
for (const suite of suites) {
  const startedAt = performance.now();
  console.log(`## ${suite.name} …`);
  const { body, headline } = await suite.run();
  console.log(`${body}\n(${((performance.now() - startedAt) / 1_000).toFixed(0)} s)\n`);
  sections.push(`## ${suite.name}\n\n${body}`);
  headlines.push(...headline);
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.versions.node}, ${process.platform}`;
const results = [
  '# Benchmark results',
  '',
  `Written by \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)} (${machine}). Figures, not assertions: rerun to compare.`,
  '',
  '## Headline',
  '',
  ...headlines.map((line) => `- ${line}`),
  '',
  ...sections.flatMap((section) => [section, '']),
].join('\n');
if (only.length === 0) writeFileSync(new URL('./RESULTS.md', import.meta.url), results);
else console.log(results);

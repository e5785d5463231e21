// Bundle weight is a feature: bundles core + each driver for the browser (esbuild, minified), gzips them, and
// checks the figures against size-budgets.json. `--write` records the measured figures as the new budgets
// (with 2 % headroom, rounded up to 100 bytes). Measures the built `dist`: run `pnpm build` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { bundleSize } from './bundle-size.ts';

const budgetsFile = new URL('../size-budgets.json', import.meta.url);

/** What an app imports: each entry keeps exactly these exports alive. */
const bundles = {
  '@stemkit/core': `export { createStemkit } from '@stemkit/core';`,
  '@stemkit/core + @stemkit/sourcere': `export { createStemkit } from '@stemkit/core'; export { sourcere } from '@stemkit/sourcere';`,
  '@stemkit/core + audioshakeTasks': `export { createStemkit } from '@stemkit/core'; export { audioshakeTasks } from '@stemkit/audioshake';`,
  '@stemkit/core + audioshakeLegacy': `export { createStemkit } from '@stemkit/core'; export { audioshakeLegacy } from '@stemkit/audioshake';`,
  '@stemkit/core + @stemkit/replicate': `export { createStemkit } from '@stemkit/core'; export { replicate } from '@stemkit/replicate';`,
  '@stemkit/core + @stemkit/lalal': `export { createStemkit } from '@stemkit/core'; export { lalal } from '@stemkit/lalal';`,
  '@stemkit/core + @stemkit/elevenlabs': `export { createStemkit } from '@stemkit/core'; export { elevenlabs } from '@stemkit/elevenlabs';`,
};

const budgets = JSON.parse(readFileSync(budgetsFile, 'utf8'));
const write = process.argv.includes('--write');
const kilobytes = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
let over = 0;
for (const [name, contents] of Object.entries(bundles)) {
  const { minified, gzipped } = await bundleSize(contents);
  if (write) budgets[name] = Math.ceil((gzipped * 1.02) / 100) * 100;
  const budget = budgets[name];
  const verdict = budget === undefined ? 'NO BUDGET' : gzipped <= budget ? 'ok' : 'OVER BUDGET';
  if (verdict !== 'ok') over += 1;
  console.log(
    `${name.padEnd(36)} ${kilobytes(minified).padStart(9)} min  ${kilobytes(gzipped).padStart(8)} gzip  budget ${budget === undefined ? '—' : kilobytes(budget)}  ${verdict}`,
  );
}
if (write) writeFileSync(budgetsFile, `${JSON.stringify(budgets, null, 2)}\n`);
process.exitCode = over === 0 ? 0 : 1;

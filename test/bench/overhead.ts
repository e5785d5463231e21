import { fileURLToPath } from 'node:url';
import { measured, median, table } from './support/measure.ts';

// Client CPU time per small job, stemkit against a minimal hand-written ky client making the same calls to the
// same in-process fake Tasks API (whose own cost both sides share).
// A shared 2-core VM is noisy: many short runs, the two clients alternating who goes first, medians.
const RUNS = 15;
const JOBS = 2_000;
const child = fileURLToPath(new URL('./overhead-child.ts', import.meta.url));

interface OverheadReport {
  cpuMsPerJob: number;
  wallMsPerJob: number;
  requestsPerJob: number;
  calls: Record<string, number>;
}

export async function overhead(): Promise<{ body: string; headline: string[]; ratio: number }> {
  const results: Record<'stemkit' | 'ky', OverheadReport[]> = { stemkit: [], ky: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const client of run % 2 === 0 ? (['stemkit', 'ky'] as const) : (['ky', 'stemkit'] as const)) {
      results[client].push(
        (
          await measured<OverheadReport>(process.execPath, [
            '--experimental-strip-types',
            child,
            client,
            String(JOBS),
          ])
        ).report,
      );
    }
  }
  const cpu = (client: 'stemkit' | 'ky') => median(results[client].map((report) => report.cpuMsPerJob));
  const wall = (client: 'stemkit' | 'ky') => median(results[client].map((report) => report.wallMsPerJob));
  const ratio = cpu('stemkit') / cpu('ky');
  // Each run's stemkit figure against the ky run beside it: how far the noise alone moves the ratio.
  const pairs = results.stemkit
    .map((report, run) => report.cpuMsPerJob / (results.ky[run] as OverheadReport).cpuMsPerJob)
    .sort((a, b) => a - b);
  const spread = `${(100 * (pairs[0] as number)).toFixed(0)}–${(100 * (pairs.at(-1) as number)).toFixed(0)} %`;
  const calls = Object.entries((results.stemkit[0] as OverheadReport).calls)
    .map(([call, count]) => `${call} ×${count}`)
    .join(', ');
  const rows = (['stemkit', 'ky'] as const).map((client) => [
    client === 'stemkit'
      ? 'stemkit (Tasks driver, `separate` → `wait` → `download`)'
      : 'hand-written ky client',
    `${cpu(client).toFixed(2)} ms`,
    `${wall(client).toFixed(2)} ms`,
    String((results[client][0] as OverheadReport).requestsPerJob),
  ]);
  return {
    body: `${JOBS} jobs in a row, after 200 to warm up, in a fresh process per run; CPU is \`process.cpuUsage()\` (user + system) over the ${JOBS} jobs, median of ${RUNS} runs. Calls per job on both sides: ${calls}.\n\n${table(['client', 'CPU per job', 'wall per job', 'requests per job'], rows)}\n\nstemkit / ky CPU: **${(100 * ratio).toFixed(0)} %** (${signed(cpu('stemkit') - cpu('ky'))} ms per job); run by run, ${spread}.`,
    headline: [
      `per-job client CPU ${cpu('stemkit').toFixed(2)} ms against ${cpu('ky').toFixed(2)} ms for a hand-written ky client (${(100 * ratio).toFixed(0)} %)`,
    ],
    ratio,
  };
}

function signed(value: number): string {
  return `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(2)}`;
}

import { fileURLToPath } from 'node:url';
import { measured, median, table } from './support/measure.ts';

// Requests a job costs while the client waits, on the default wait schedule (first poll after 1 s, ×1.5 per
// poll, ±20 % jitter, capped at 15 s), for jobs of 5 s, 60 s and 10 min — and with a callback instead.
const RUNS = 7;
const child = fileURLToPath(new URL('./polling-child.ts', import.meta.url));

interface PollingRow {
  seconds: number;
  polled: number;
  withCallback: number;
  overshootSeconds: number;
}

export async function polling(): Promise<{ body: string; headline: string[] }> {
  const runs: PollingRow[][] = [];
  for (let run = 0; run < RUNS; run++) {
    runs.push((await measured<PollingRow[]>(process.execPath, ['--experimental-strip-types', child])).report);
  }
  const lengths = (runs[0] as PollingRow[]).map((row) => row.seconds);
  const rows = lengths.map((seconds, index) => {
    const of = (pick: (row: PollingRow) => number) =>
      median(runs.map((rowsOfRun) => pick(rowsOfRun[index] as PollingRow)));
    const label = seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`;
    return [
      label,
      String(of((row) => row.polled)),
      `${of((row) => row.overshootSeconds).toFixed(1)} s`,
      String(of((row) => row.withCallback)),
    ];
  });
  return {
    body: `Status requests per job during \`wait\`, in virtual time (timers replaced, so the schedule and its jitter are the client's own), median of ${RUNS} runs. "Late by" is how long after the job finished the wait noticed. With a callback the app waits for the provider's call and confirms with one request.\n\n${table(['job length', 'requests while polling', 'late by', 'requests with a callback'], rows)}`,
    headline: [
      `polling costs ${rows.map((row) => `${row[1]} requests for a ${row[0]} job`).join(', ')}; 1 with a callback`,
    ],
  };
}

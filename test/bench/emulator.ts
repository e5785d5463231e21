import { execFileSync } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import { type EmulatorProcess, startEmulatorProcess } from './support/emulator.ts';
import { compiledChild, measured, median, table } from './support/measure.ts';

// What the emulator spends on one 4-stem Tasks job (one task, four targets) of a 3-minute stereo track, next to
// what the DSP alone spends on the same four stems: the rest is decoding, encoding, storage and requests.
const RUNS = 3;
const SECONDS = 180;
const STEMS = ['vocals', 'drums', 'bass', 'other'];
const dspChild = fileURLToPath(new URL('./emulator-dsp-child.ts', import.meta.url));

/** CPU seconds a process (and its threads) has used so far, from `/proc/<pid>/stat`. */
async function cpuSecondsOf(pid: number, ticksPerSecond: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** One task with a target per stem, from upload to the last target done; the emulator's CPU for the task. */
async function tasksJob(emulator: EmulatorProcess, song: string, ticksPerSecond: number): Promise<number> {
  const { baseUrl, apiKey } = emulator.info.tasks;
  const headers = { 'x-api-key': apiKey };
  const form = new FormData();
  form.append('file', await openAsBlob(song), 'song.wav');
  const asset = (await (
    await fetch(`${baseUrl}/assets`, { method: 'POST', headers, body: form })
  ).json()) as {
    id: string;
  };
  const before = await cpuSecondsOf(emulator.pid, ticksPerSecond);
  const created = (await (
    await fetch(`${baseUrl}/tasks`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        assetId: asset.id,
        targets: STEMS.map((model) => ({ model, formats: ['wav'] })),
      }),
    })
  ).json()) as { id: string };
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const task = (await (await fetch(`${baseUrl}/tasks/${created.id}`, { headers })).json()) as {
      targets: Array<{ status: string }>;
    };
    if (task.targets.some((target) => target.status === 'error')) throw new Error('a target failed');
    if (task.targets.every((target) => target.status === 'completed')) break;
  }
  return (await cpuSecondsOf(emulator.pid, ticksPerSecond)) - before;
}

export async function emulatorCost(): Promise<{ body: string; headline: string[] }> {
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const folder = await mkdtemp(join(tmpdir(), 'stemkit-bench-emulator-cost-'));
  try {
    const song = join(folder, 'song.wav');
    await writeFile(song, encodeWav(synthesizeMixture({ seed: 7, seconds: SECONDS }).mixture));
    const child = await compiledChild(dspChild);
    const dsp: number[] = [];
    const job: number[] = [];
    // Alternating, so a busy spell of the machine weighs on both.
    for (let run = 0; run < RUNS; run++) {
      dsp.push((await measured<{ cpuSeconds: number }>(process.execPath, [child, song])).report.cpuSeconds);
      const emulator = await startEmulatorProcess();
      try {
        job.push(await tasksJob(emulator, song, ticksPerSecond));
      } finally {
        await emulator.stop();
      }
    }
    const ratios = job.map((seconds, run) => seconds / (dsp[run] as number)).sort((a, b) => a - b);
    const spread = (values: number[]) =>
      `${median(values).toFixed(2)} s (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)} s)`;
    const ratio = `${median(ratios).toFixed(2)}× (${(ratios[0] as number).toFixed(2)}–${(ratios.at(-1) as number).toFixed(2)}×)`;
    const rows = [
      ['DSP alone: `separateSet(audio, "four")`', spread(dsp)],
      ['emulator: one Tasks task, targets vocals, drums, bass, other (WAV)', spread(job)],
      ['emulator / DSP, run by run', ratio],
    ];
    return {
      body: `A ${SECONDS / 60}-minute stereo 44.1 kHz track (synthetic, seed 7). The DSP figure is the CPU of \`separateSet\` on the decoded track in a fresh process; the emulator's is its process's CPU (worker threads included, from \`/proc\`) from the task's creation to its last target done, the emulator in its own process at speed 1000. Median of ${RUNS} alternating runs (range).\n\n${table(['what', 'CPU'], rows)}`,
      headline: [`emulator, 4-stem Tasks job on a 3-min track: ${ratio} the DSP's own CPU`],
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

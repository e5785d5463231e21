import { rm } from 'node:fs/promises';
import type { EmulatorContext } from '../context.ts';
import type { ModelRequest } from '../processing/models.ts';
import { storageKey } from '../storage/keys.ts';
import type { LalalTask, LalalTrack } from './records.ts';

/** Simulated processing time of a task, in milliseconds at speed 1 (after a short queue). */
const processingMilliseconds = 3000;
const queueMilliseconds = 300;

/** LALAL.AI stem → the shared DSP's stem. */
const DSP_STEMS: Readonly<Record<string, string>> = {
  vocals: 'vocals',
  drum: 'drums',
  bass: 'bass',
  piano: 'piano',
  electric_guitar: 'guitar_electric',
  acoustic_guitar: 'guitar_acoustic',
  synthesizer: 'keys',
  strings: 'strings',
  wind: 'wind',
  music: 'music',
  voice: 'speech_denoise',
};

/** The stems a task separates, in LALAL.AI's names. */
export function stemsOf(task: LalalTask): string[] {
  return task.endpoint === 'multistem' ? (task.presets.stem_list as string[]) : [String(task.presets.stem)];
}

/** The DSP request of a task: its stems (several at once for multistem) and the back track. */
function modelRequest(task: LalalTask, format: string): ModelRequest {
  const stems = stemsOf(task).map((stem) => DSP_STEMS[stem] ?? stem);
  return {
    model: task.endpoint === 'multistem' ? `parts:${stems.join('+')}` : (stems[0] as string),
    formats: [format],
    outputName: stems[0] as string,
    residual: true,
    language: 'en',
  };
}

/** Runs a task: queued (progress 0), then running, then its stem tracks and its back track. */
export async function runTask(context: EmulatorContext, task: LalalTask, format: string): Promise<void> {
  const state = context.store.state;
  const started = Date.now();
  await context.clock.sleep(queueMilliseconds);
  if (task.status !== 'progress') return;
  task.progress = 10;
  context.store.changed();
  const stems = stemsOf(task);
  try {
    const injected = context.faults.jobFailure('lalal', String(task.presets.stem ?? task.endpoint));
    if (injected) throw new Error(injected);
    const source = state.lalalSources[task.sourceId];
    if (!source || source.deleted)
      throw new Error('The file was not uploaded properly or was already deleted');
    const { outputs, duration } = await context.models.run(
      context.objects.path(source.key),
      modelRequest(task, format),
    );
    task.progress = 60;
    context.store.changed();
    const byDsp = Object.fromEntries(stems.map((stem) => [DSP_STEMS[stem] ?? stem, stem]));
    const back = task.endpoint === 'multistem' ? 'no_multistem' : `no_${stems[0]}`;
    const tracks: LalalTrack[] = [];
    for (const output of outputs) {
      const residual = output.name.endsWith('_residual');
      const label = residual ? back : (byDsp[output.name] ?? output.name);
      const key = storageKey('lalal', task.id, `${label}.${output.format}`);
      await context.objects.writeBytes(key, output.data);
      const base = source.name.replace(/\.[^.]*$/, '');
      tracks.push({
        type: residual ? 'back' : 'stem',
        label,
        key,
        name: `${base}_${label}.${output.format}`,
      });
    }
    await context.clock.sleepRest(processingMilliseconds, started);
    if (task.status !== 'progress') return;
    task.tracks = tracks;
    task.duration = Math.round(duration);
    task.status = 'success';
    task.progress = 100;
    // Billing: every stem the source's whole duration.
    state.lalalMinutesUsed = (state.lalalMinutesUsed ?? 0) + (duration / 60) * stems.length;
  } catch (error) {
    if (context.clock.signal.aborted || task.status !== 'progress') return;
    task.status = 'error';
    task.error = {
      detail: error instanceof Error ? error.message : 'failed',
      code: 'inference_error',
      id: task.id,
    };
  }
  context.store.changed();
}

/** Removes a source's file and the files of every task made from it. */
export async function removeFiles(context: EmulatorContext, keys: readonly string[]): Promise<void> {
  await Promise.all(keys.map((key) => rm(context.objects.path(key), { force: true })));
}

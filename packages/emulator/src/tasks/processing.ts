import type { EmulatorContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { failureCode, JobFailure } from '../processing/errors.ts';
import { fetchToStorage } from '../processing/fetch-source.ts';
import { mimeType } from '../processing/formats.ts';
import { transcriptText } from '../processing/text.ts';
import type { Task, TaskTarget } from '../state/records.ts';
import { storageKey } from '../storage/keys.ts';
import { taskJson } from './serialize.ts';

/** Simulated processing time of a target, in milliseconds at speed 1. */
const processingMilliseconds = 3000;

/** Credits per started minute: 1, more for the heavier models and variants, less for music detection. */
function creditsPerMinute(target: TaskTarget): number {
  if (target.model === 'music_detection') return 0.5;
  if (target.variant === 'high_quality' || ['dialogue', 'music_fx', 'effects'].includes(target.model))
    return 1.5;
  return 1;
}

function fail(target: TaskTarget, code: number, message: string): void {
  target.status = 'error';
  target.error = { code, message };
}

/** A link that could not be fetched, as the target's error: its status (413 past the size limit) and why. */
function linkFailure(error: unknown, fallback: string): JobFailure {
  if (error instanceof HttpError) return new JobFailure(error.status, error.message);
  return new JobFailure(400, error instanceof Error ? error.message : fallback);
}

/** The task's source audio on disk: the asset's file, or the `url`, fetched once. */
async function sourceKey(context: EmulatorContext, task: Task): Promise<string> {
  if (task.sourceKey) return task.sourceKey;
  if (task.assetId) {
    const asset = context.store.state.tasksAssets[task.assetId];
    if (!asset) throw new JobFailure(404, 'The asset no longer exists');
    task.sourceKey = asset.key;
  } else if (task.url) {
    const key = storageKey('tasks', task.id, 'source');
    await fetchToStorage(context, task.url, key).catch((error: unknown) => {
      throw linkFailure(error, 'The url could not be fetched');
    });
    task.sourceKey = key;
  }
  context.store.changed();
  if (!task.sourceKey) throw new JobFailure(400, 'The task has no source');
  return task.sourceKey;
}

async function transcriptOf(context: EmulatorContext, target: TaskTarget): Promise<string | undefined> {
  if (target.transcriptAssetId) {
    const asset = context.store.state.tasksAssets[target.transcriptAssetId];
    if (!asset) throw new JobFailure(404, 'The transcript asset does not exist');
    return transcriptText(await context.objects.readBytes(asset.key));
  }
  if (target.transcriptUrl) {
    const key = storageKey('tasks', 'transcripts', target.id);
    await fetchToStorage(context, target.transcriptUrl, key).catch((error: unknown) => {
      throw linkFailure(error, 'The transcriptUrl could not be fetched');
    });
    return transcriptText(await context.objects.readBytes(key));
  }
  return undefined;
}

async function runTarget(context: EmulatorContext, task: Task, target: TaskTarget, source: Promise<string>) {
  const started = Date.now();
  target.output = [];
  try {
    const injected = context.faults.jobFailure('tasks', target.model);
    if (injected) throw new JobFailure(500, injected);
    const key = await source;
    const transcript = await transcriptOf(context, target);
    // The task's targets reach the batcher together: one separation serves them all.
    const { outputs, duration } = await context.models.run(context.objects.path(key), {
      model: target.model,
      formats: target.formats,
      outputName: target.variant ? `${target.model}_${target.variant}` : target.model,
      variant: target.variant ?? undefined,
      residual: target.residual === true,
      language: target.language ?? 'en',
      transcript,
    });
    target.duration = Math.round(duration * 1000) / 1000;
    for (const output of outputs) {
      const key = storageKey('tasks', task.id, target.id, `${output.name}.${output.format}`);
      await context.objects.writeBytes(key, output.data);
      target.output.push({ name: output.name, format: output.format, type: mimeType(output.format), key });
    }
    await context.clock.sleepRest(processingMilliseconds, started);
    target.status = 'completed';
    target.cost = Math.ceil((target.duration ?? 0) / 60) * creditsPerMinute(target);
  } catch (error) {
    if (context.clock.signal.aborted) return;
    fail(target, failureCode(error), error instanceof Error ? error.message : 'failed');
  }
  const now = new Date().toISOString();
  target.updatedAt = now;
  task.updatedAt = now;
  if (task.targets.every((each) => each.status !== 'processing')) task.completedAt = now;
  context.store.changed();
  const webhook = context.store.state.tasksWebhookUrl;
  if (webhook) {
    const body = taskJson(context, task);
    context.background(async () => {
      await context.callbacks.send(webhook, body);
    });
  }
}

/** Runs every target of a task independently; each finished target posts the whole task to the webhook. */
export function runTask(context: EmulatorContext, task: Task): void {
  const source = sourceKey(context, task);
  source.catch(() => undefined);
  for (const target of task.targets) {
    if (target.status === 'processing') context.background(() => runTarget(context, task, target, source));
  }
}

import type { EmulatorContext } from '../context.ts';
import { cuid } from '../ids.ts';
import { failureCode, JobFailure } from '../processing/errors.ts';
import { extensionOf, mimeType } from '../processing/formats.ts';
import { transcriptText } from '../processing/text.ts';
import type { LegacyJob } from '../state/records.ts';
import { storageKey } from '../storage/keys.ts';
import { jobJson } from './serialize.ts';

/** Simulated durations, in milliseconds at speed 1. */
const timings = { queued: 1000, processing: 3000 };

function update(context: EmulatorContext, job: LegacyJob, change: Partial<LegacyJob>): void {
  Object.assign(job, change, { updatedAt: new Date().toISOString() });
  context.store.changed();
  if (job.callbackUrl) {
    const url = job.callbackUrl;
    const body = { job: jobJson(context, job) };
    context.background(async () => {
      await context.callbacks.send(url, body);
    });
  }
}

/** The formats a job writes: `all` is every text format. */
export function jobFormats(format: string): string[] {
  return format === 'all' ? ['json', 'txt', 'srt'] : [format];
}

/** Runs a legacy job: created → processing → completed | failed, with a callback at each change. */
export async function runLegacyJob(context: EmulatorContext, job: LegacyJob): Promise<void> {
  const { state } = context.store;
  if (job.status === 'created') {
    await context.clock.sleep(timings.queued);
    update(context, job, { status: 'processing', startedAt: new Date().toISOString() });
  }
  const started = Date.now();
  const model = String(job.metadata.name);
  const format = String(job.metadata.format ?? 'wav');
  try {
    const injected = context.faults.jobFailure('legacy', model);
    if (injected) throw new JobFailure(500, injected);
    const source = state.legacyAssets[job.assetId];
    if (!source) throw new JobFailure(404, 'The source asset no longer exists');
    const transcriptAsset = job.otherSourceAssets.find((asset) => asset.type === 'transcription');
    const transcriptFile = transcriptAsset ? state.legacyAssets[transcriptAsset.id] : undefined;
    if (transcriptAsset && !transcriptFile) {
      throw new JobFailure(404, 'The transcription asset does not exist');
    }
    const language = typeof job.metadata.language === 'string' ? job.metadata.language : 'auto';
    // The jobs of one multi-stem request come one after another on the same asset: the batcher separates once.
    const { outputs, duration } = await context.models.run(context.objects.path(source.key), {
      model,
      formats: jobFormats(format),
      outputName: model,
      variant: typeof job.metadata.variant === 'string' ? job.metadata.variant : undefined,
      residual: job.metadata.residual === true,
      language: language === 'auto' ? 'en' : language,
      transcript: transcriptFile
        ? transcriptText(await context.objects.readBytes(transcriptFile.key))
        : undefined,
    });
    job.durationSeconds = duration;
    const ids: string[] = [];
    for (const output of outputs) {
      const id = cuid();
      const name = `${output.name}.${output.format}`;
      const key = storageKey('legacy', job.id, name);
      await context.objects.writeBytes(key, output.data);
      state.legacyAssets[id] = {
        id,
        name,
        format: output.format,
        fileType: mimeType(extensionOf(name) ?? ''),
        key,
        clientId: job.clientId,
        createdAt: new Date().toISOString(),
      };
      ids.push(id);
    }
    await context.clock.sleepRest(timings.processing, started);
    update(context, job, {
      status: 'completed',
      statusInfo: {},
      outputAssetIds: ids,
      completedAt: new Date().toISOString(),
    });
  } catch (error) {
    if (context.clock.signal.aborted) return;
    update(context, job, {
      status: 'failed',
      statusInfo: {
        code: failureCode(error),
        message: error instanceof Error ? error.message : 'failed',
      },
      completedAt: new Date().toISOString(),
    });
  }
}

import type { EmulatorContext } from '../context.ts';
import { cuid } from '../ids.ts';
import { extensionOf, mimeType } from '../processing/formats.ts';
import { runModel } from '../processing/models.ts';
import { transcriptText } from '../processing/text.ts';
import type { LegacyJob } from '../state/records.ts';
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
    if (injected) throw Object.assign(new Error(injected), { code: 500 });
    const source = state.legacyAssets[job.assetId];
    if (!source) throw Object.assign(new Error('The source asset no longer exists'), { code: 404 });
    const transcriptAsset = job.otherSourceAssets.find((asset) => asset.type === 'transcription');
    const transcriptFile = transcriptAsset ? state.legacyAssets[transcriptAsset.id] : undefined;
    if (transcriptAsset && !transcriptFile) {
      throw Object.assign(new Error('The transcription asset does not exist'), { code: 404 });
    }
    const outputs = await context.limiter.run(async () => {
      const audio = await context.audio.load(source.key).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : 'not audio';
        throw Object.assign(new Error(`The source asset is not decodable audio: ${reason}`), { code: 400 });
      });
      job.durationSeconds = (audio.channels[0]?.length ?? 0) / audio.sampleRate;
      const language = typeof job.metadata.language === 'string' ? job.metadata.language : 'auto';
      return runModel(audio, {
        model,
        formats: jobFormats(format),
        outputName: model,
        residual: job.metadata.residual === true,
        language: language === 'auto' ? 'en' : language,
        transcript: transcriptFile
          ? transcriptText(await context.objects.readBytes(transcriptFile.key))
          : undefined,
      });
    });
    const ids: string[] = [];
    for (const output of outputs) {
      const id = cuid();
      const name = `${output.name}.${output.format}`;
      const key = `legacy/${job.id}/${name}`;
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
    await context.clock.sleep(
      Math.max(0, timings.processing - (Date.now() - started) * context.options.speed),
    );
    update(context, job, {
      status: 'completed',
      statusInfo: {},
      outputAssetIds: ids,
      completedAt: new Date().toISOString(),
    });
  } catch (error) {
    if (context.clock.signal.aborted) return;
    const code = (error as { code?: unknown }).code;
    update(context, job, {
      status: 'failed',
      statusInfo: {
        code: typeof code === 'number' ? code : 500,
        message: error instanceof Error ? error.message : 'failed',
      },
      completedAt: new Date().toISOString(),
    });
  }
}

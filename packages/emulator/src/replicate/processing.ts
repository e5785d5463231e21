import type { EmulatorContext } from '../context.ts';
import { failureCode, JobFailure } from '../processing/errors.ts';
import { fetchToStorage } from '../processing/fetch-source.ts';
import type { ReplicatePredictionRecord } from '../state/records.ts';
import { storageKey } from '../storage/keys.ts';
import { demucsVersions, outputPlan } from './models.ts';
import { predictionJson, signedHeaders, webhookSecretOf } from './serialize.ts';

/** Simulated processing time of a prediction, in milliseconds at speed 1. */
const processingMilliseconds = 3000;
/** Largest inline `data:` audio taken, in bytes (the official client's own cap). */
const maxDataUriBytes = 10_000_000;

/** Resolves once a prediction reaches a terminal status: what `Prefer: wait` holds a create on. */
const finished = new Map<string, { promise: Promise<void>; resolve: () => void }>();

/** A promise of the prediction's end (already resolved for a finished one). */
export function whenFinished(id: string): Promise<void> {
  let entry = finished.get(id);
  if (!entry) {
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((done) => {
      resolve = done;
    });
    entry = { promise, resolve };
    finished.set(id, entry);
  }
  return entry.promise;
}

function settle(id: string): void {
  whenFinished(id);
  finished.get(id)?.resolve();
  finished.delete(id);
}

/** Posts the prediction to its webhook for `event`, signed, when the filter asks for it. */
export function notify(
  context: EmulatorContext,
  base: string,
  prediction: ReplicatePredictionRecord,
  event: string,
) {
  const { webhook } = prediction;
  if (!webhook) return;
  // No filter: new outputs and completion, as documented.
  const events = prediction.webhookEventsFilter ?? ['output', 'completed'];
  if (!events.includes(event)) return;
  const body = predictionJson(context, base, prediction);
  const secret = webhookSecretOf(context);
  const messageId = `msg_${prediction.id}_${event}`;
  context.background(async () => {
    await context.callbacks.send(webhook, body, (rawBody) => signedHeaders(secret, messageId, rawBody));
  });
}

/** The source audio on disk: an uploaded file (its `urls.get`), a loopback URL fetched once, or a data URI. */
async function sourceKey(context: EmulatorContext, prediction: ReplicatePredictionRecord): Promise<string> {
  const audio = String(prediction.input.audio ?? '');
  const own = /\/files\/([a-z0-9]{1,64})$/.exec(audio)?.[1];
  const file = own ? context.store.state.replicateFiles[own] : undefined;
  if (file) return file.key;
  const key = storageKey('replicate', prediction.id, 'source');
  const inline = /^data:[^;,]*;base64,(.*)$/s.exec(audio);
  if (inline) {
    const bytes = Buffer.from(inline[1] ?? '', 'base64');
    if (bytes.byteLength > maxDataUriBytes) throw new JobFailure(413, 'The data URI is larger than 10 MB');
    await context.objects.writeBytes(key, bytes);
    return key;
  }
  await fetchToStorage(context, audio, key).catch((error: unknown) => {
    throw new JobFailure(400, error instanceof Error ? error.message : 'The audio could not be fetched');
  });
  return key;
}

/** Runs a prediction: processing, the stems by the shared DSP, then succeeded (or failed), webhooks on the way. */
export async function runPrediction(
  context: EmulatorContext,
  base: string,
  prediction: ReplicatePredictionRecord,
) {
  const started = Date.now();
  prediction.status = 'processing';
  prediction.startedAt = new Date().toISOString();
  context.store.changed();
  notify(context, base, prediction, 'start');
  try {
    const version = demucsVersions[prediction.version]!;
    const network = String(prediction.input[version.networkField] ?? 'htdemucs');
    const rawStem = prediction.input.stem;
    const stem = typeof rawStem === 'string' && rawStem !== 'none' ? rawStem : undefined;
    const format = String(prediction.input.output_format ?? 'mp3');
    const injected = context.faults.jobFailure('replicate', network);
    if (injected) throw new JobFailure(500, injected);
    const key = await sourceKey(context, prediction);
    const plan = outputPlan(version, network, stem);
    const runs = await Promise.all(
      plan.map(async (entry) => {
        const model = entry.stem ?? entry.residualOf;
        if (!model) return [entry.key, null] as const;
        const { outputs } = await context.models.run(context.objects.path(key), {
          model,
          formats: [format],
          outputName: entry.key,
          residual: entry.residualOf !== undefined,
          language: 'en',
        });
        const output = entry.residualOf
          ? outputs.find((each) => each.name.endsWith('_residual'))
          : outputs[0];
        if (!output) throw new JobFailure(500, `no ${entry.key} output`);
        const name = entry.key === 'other' && entry.residualOf ? 'others' : entry.key;
        const outputKey = storageKey('replicate', prediction.id, `${name}.${output.format}`);
        await context.objects.writeBytes(outputKey, output.data);
        return [entry.key, outputKey] as const;
      }),
    );
    prediction.logs =
      ' 50%|█████     | 23/46 [00:02<00:02, 9.1it/s]\n100%|██████████| 46/46 [00:05<00:00, 9.1it/s]\n';
    await context.clock.sleepRest(processingMilliseconds, started);
    if (prediction.status !== 'processing') return;
    prediction.output = Object.fromEntries(runs);
    prediction.status = 'succeeded';
  } catch (error) {
    if (context.clock.signal.aborted) return;
    if (prediction.status !== 'processing') return;
    prediction.status = 'failed';
    prediction.error = error instanceof Error ? error.message : `failed (${failureCode(error)})`;
  }
  prediction.completedAt = new Date().toISOString();
  prediction.predictTime = (Date.now() - started) / 1000;
  context.store.changed();
  settle(prediction.id);
  notify(context, base, prediction, 'completed');
}

/** Cancels a prediction still running: `canceled`, its completion webhook sent. */
export function cancelPrediction(
  context: EmulatorContext,
  base: string,
  prediction: ReplicatePredictionRecord,
): void {
  if (prediction.status !== 'starting' && prediction.status !== 'processing') return;
  prediction.status = 'canceled';
  prediction.completedAt = new Date().toISOString();
  context.store.changed();
  settle(prediction.id);
  notify(context, base, prediction, 'completed');
}

import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context.ts';
import type { ComputeRequest } from '../processing/compute.ts';
import type { DerivedFile, Separation, SourcereUpload } from '../state/records.ts';
import { storageKey } from '../storage/keys.ts';

/** Simulated durations, in milliseconds at speed 1. */
const timings = {
  metadata: 1500,
  step: 400,
  chunking: 1500,
  queue: 1000,
  processing: 4000,
  finalising: 1500,
};

/** Output stems by algorithm: 6 = vocal-accompaniment (`track` is everything but vocals), 7 = 4-stem. */
export function stemNames(algorithm: 6 | 7): string[] {
  return algorithm === 6 ? ['track', 'vocals'] : ['bass', 'drums', 'other', 'vocals'];
}

const stemSet = { bass: 'bass', drums: 'drums', other: 'other', vocals: 'vocals' };

export const uploadKey = (uploadId: string) => storageKey('sourcere', uploadId, 'request', 'requestData');
export const responseKey = (separationId: string, file: string) =>
  storageKey('sourcere', separationId, 'response', file);

/** Computes an upload's metadata from the real file: 202 until this ends, then 200. */
export async function computeMetadata(context: EmulatorContext, upload: SourcereUpload): Promise<void> {
  await context.clock.sleep(timings.metadata);
  try {
    const info = await context.compute.run({ operation: 'probe', path: context.objects.path(upload.key) });
    upload.metadata = {
      duration: info.duration,
      numChannels: info.channels,
      sampleRate: info.sampleRate,
      message: 'completed',
      success: true,
    };
  } catch (error) {
    if (context.clock.signal.aborted) return;
    const reason = error instanceof Error ? error.message : 'unknown error';
    upload.metadata = {
      duration: 0,
      numChannels: 0,
      sampleRate: 0,
      message: `Not decodable audio: ${reason}`,
      success: false,
    };
  }
  context.store.changed();
}

function append(
  context: EmulatorContext,
  separation: Separation,
  event: string,
  message: string | null,
): void {
  separation.events.push({ event, guid: randomUUID(), timestamp: new Date().toISOString(), message });
  context.store.changed();
}

/**
 * Runs a separation along the documented event sequence. A separation interrupted by a restart resumes with
 * a new attempt ("Queue message received", "Attempt number 2"), as the provider retries.
 */
export async function runSeparation(context: EmulatorContext, separation: Separation): Promise<void> {
  const { clock } = context;
  const upload = context.store.state.sourcereUploads[separation.uploadId];
  if (!upload) return fail(context, separation, 'The upload no longer exists');
  if (separation.events.length === 0) {
    append(context, separation, 'Formatting Request File', 'Formatting requestData into wav');
    await clock.sleep(timings.step);
    append(context, separation, 'Request Formatting Done', '');
    append(context, separation, 'Requesting Metadata', 'Requesting metadata from server');
    await clock.sleep(timings.step);
    append(context, separation, 'Metadata Task Done', '');
    if (separation.trial) {
      append(context, separation, 'Trial Chunking Start', '');
      await clock.sleep(timings.chunking);
      append(context, separation, 'Trial Chunking Done', '');
    }
    append(context, separation, 'Starting Separation', 'Starting Separation process');
  }
  await clock.sleep(timings.queue);
  separation.attempts += 1;
  append(context, separation, 'Queue message received', `Attempt number ${separation.attempts}`);
  append(context, separation, 'Processing', null);
  const started = Date.now();
  let files: { name: string; data: Uint8Array }[];
  try {
    const injected = context.faults.jobFailure('sourcere', `algorithm-${separation.algorithm}`);
    if (injected) throw new Error(injected);
    const result = await context.compute.run({
      operation: 'separation',
      path: context.objects.path(upload.key),
      set: separation.algorithm === 6 ? 'two' : 'four',
      names: separation.algorithm === 6 ? { track: 'instrumental', vocals: 'vocals' } : stemSet,
      trial: separation.trial,
      random: context.random(),
      formats: separation.outputFormats ?? [],
    });
    if (separation.trial) separation.trial.start = result.trialStart;
    files = result.files;
  } catch (error) {
    if (clock.signal.aborted) return;
    return fail(context, separation, error instanceof Error ? error.message : 'Separation failed');
  }
  await clock.sleepRest(timings.processing, started);
  append(context, separation, 'Finalising', null);
  for (const file of files) {
    const isMaster = !file.name.includes('.');
    const name = isMaster ? `${file.name}.wav` : file.name;
    await context.objects.writeBytes(responseKey(separation.id, name), file.data);
    if (!isMaster) separation.derived[name] = { key: responseKey(separation.id, name), status: 'ready' };
  }
  await clock.sleep(timings.finalising);
  separation.outputFiles = stemNames(separation.algorithm).map((name) => `${name}.wav`);
  context.store.changed();
  notify(context, separation);
}

function fail(context: EmulatorContext, separation: Separation, message: string): void {
  separation.failure = message;
  append(context, separation, 'Failed', message);
  notify(context, separation);
}

function notify(context: EmulatorContext, separation: Separation): void {
  if (!separation.callbackUrl) return;
  const url = separation.callbackUrl;
  const body = {
    separationId: separation.id,
    customMetadata: separation.customMetadata ?? null,
    outputFiles: separation.outputFiles,
    event: separation.events.at(-1),
  };
  context.background(async () => {
    await context.callbacks.send(url, body);
  });
}

/** Prepares a derived file (conversion, mix, zip) off the request path: the download answers 202 meanwhile. */
export function prepare(
  context: EmulatorContext,
  separation: Separation,
  name: string,
  file: DerivedFile,
  request: ComputeRequest & { operation: 'convert' | 'mix' | 'zip' },
): void {
  separation.derived[name] = file;
  context.store.changed();
  context.background(async () => {
    await context.clock.sleep(timings.step * 2);
    try {
      const data = await context.compute.run(request);
      await context.objects.writeBytes(file.key, data);
      file.status = 'ready';
    } catch (error) {
      if (context.clock.signal.aborted) return;
      file.status = 'failed';
      file.message = error instanceof Error ? error.message : 'failed';
    }
    context.store.changed();
  });
}

/** A mix or zip id in the documented shapes. */
export const mixId = () => `mix/mix_${randomUUID()}`;
export const zipPath = () => `zip/${randomUUID()}.zip`;

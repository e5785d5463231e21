import { randomUUID } from 'node:crypto';
import { mix, type PcmAudio, probeAudio, separateSet, trim, zip } from '@stemkit/audio';
import type { EmulatorContext } from '../context.ts';
import { encodeOutput } from '../processing/audio.ts';
import type { DerivedFile, Separation, SourcereUpload } from '../state/records.ts';

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

export const uploadKey = (uploadId: string) => `sourcere/${uploadId}/request/requestData`;
export const responseKey = (separationId: string, file: string) =>
  `sourcere/${separationId}/response/${file}`;

/** Computes an upload's metadata from the real file: 202 until this ends, then 200. */
export async function computeMetadata(context: EmulatorContext, upload: SourcereUpload): Promise<void> {
  await context.clock.sleep(timings.metadata);
  try {
    const info = await probeAudio(await context.objects.readBytes(upload.key));
    upload.metadata = {
      duration: info.durationSeconds,
      numChannels: info.channels,
      sampleRate: info.sampleRate,
      message: 'completed',
      success: true,
    };
  } catch (error) {
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
    files = await context.limiter.run(async () => {
      let audio = await context.audio.load(upload.key);
      if (separation.trial) {
        const duration = (audio.channels[0]?.length ?? 0) / audio.sampleRate;
        const seconds = Math.min(separation.trial.seconds, duration);
        separation.trial.start ??= Math.floor(context.random() * Math.max(0, duration - seconds) * 100) / 100;
        if (separation.trial.start >= duration) {
          throw new Error(`trialSectionStart ${separation.trial.start} s is past the end of the track`);
        }
        const { start } = separation.trial;
        audio = trim(audio, { start, seconds: Math.min(separation.trial.seconds, duration - start) });
      }
      const stems = await separateSet(audio, separation.algorithm === 6 ? 'two' : 'four');
      const named: Record<string, PcmAudio | undefined> =
        separation.algorithm === 6 ? { track: stems.instrumental, vocals: stems.vocals } : stems;
      const encoded: { name: string; data: Uint8Array }[] = [];
      for (const name of stemNames(separation.algorithm)) {
        const stem = named[name];
        if (!stem) throw new Error(`The separation produced no ${name} stem`);
        encoded.push({ name, data: await encodeOutput(stem, 'wav') });
        for (const format of separation.outputFormats ?? []) {
          if (format !== 'wav')
            encoded.push({ name: `${name}.${format}`, data: await encodeOutput(stem, format) });
        }
      }
      return encoded;
    });
  } catch (error) {
    if (clock.signal.aborted) return;
    return fail(context, separation, error instanceof Error ? error.message : 'Separation failed');
  }
  // The simulated processing time covers the real compute time, and at least the nominal one.
  await clock.sleep(Math.max(0, timings.processing - (Date.now() - started) * context.options.speed));
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
  produce: () => Promise<Uint8Array>,
): void {
  separation.derived[name] = file;
  context.store.changed();
  context.background(async () => {
    await context.clock.sleep(timings.step * 2);
    try {
      const data = await context.limiter.run(produce);
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

/** Encodes a stored WAV master in another format. */
export async function convert(
  context: EmulatorContext,
  masterKey: string,
  format: string,
): Promise<Uint8Array> {
  return encodeOutput(await context.audio.load(masterKey), format);
}

/** Mixes output stems with their volume and pan into a WAV master. */
export async function mixStems(
  context: EmulatorContext,
  separation: Separation,
  tracks: { file: string; volume: number; pan: number }[],
): Promise<Uint8Array> {
  const loaded = await Promise.all(
    tracks.map(async (track) => ({
      audio: await context.audio.load(responseKey(separation.id, track.file)),
      volume: track.volume,
      pan: track.pan,
    })),
  );
  return encodeOutput(mix(loaded), 'wav');
}

/** Zips output stems, each encoded in `format`. */
export async function zipStems(
  context: EmulatorContext,
  separation: Separation,
  stems: string[],
  format: string,
): Promise<Uint8Array> {
  const files = [];
  for (const stem of stems) {
    const audio = await context.audio.load(responseKey(separation.id, `${stem}.wav`));
    files.push({ name: `${stem}.${format}`, data: await encodeOutput(audio, format) });
  }
  return zip(files);
}

/** A mix or zip id in the documented shapes. */
export const mixId = () => `mix/mix_${randomUUID()}`;
export const zipPath = () => `zip/${randomUUID()}.zip`;

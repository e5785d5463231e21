import { readFile } from 'node:fs/promises';
import {
  decodeAudio,
  decodeWav,
  mix,
  type PcmAudio,
  probeAudio,
  separate,
  separateSet,
  separateToWav,
  trim,
  zip,
} from '@stemkit/audio';
import { encodeOutput, WAV_MASTER_BITS } from './encode.ts';
import { InputError } from './errors.ts';
import { type ModelRequest, type ModelRun, runModels } from './models.ts';

/**
 * The audio work, as plain data in and out, so it can run in a worker thread: files are read from disk by
 * path, and results are encoded bytes.
 */
export type ComputeRequest =
  | { operation: 'probe'; path: string }
  | {
      operation: 'separation';
      path: string;
      /** Stem names by the `separateSet` set they come from: `{track: 'instrumental', vocals: 'vocals'}`. */
      set: 'two' | 'four';
      names: Record<string, string>;
      trial?: { start?: number; seconds: number };
      /** A uniform random number, for a trial start that was not given. */
      random: number;
      formats: string[];
    }
  /** Several models on one source, decoded once and separated once (see `ModelBatcher`). */
  | { operation: 'models'; path: string; requests: ModelRequest[] }
  /** ElevenLabs: every stem of a set in one codec (`mp3`, or `pcm`: raw 16-bit little-endian). */
  | { operation: 'stems'; path: string; set: 'two' | 'six'; codec: 'mp3' | 'pcm' }
  | { operation: 'convert'; path: string; format: string }
  | { operation: 'mix'; tracks: { path: string; volume: number; pan: number }[] }
  | { operation: 'zip'; files: { path: string; name: string }[]; format: string };

export interface ProbeResult {
  duration: number;
  channels: number;
  sampleRate: number;
}

export interface SeparationResult {
  /** `name` is `vocals` for the WAV master, `vocals.mp3` for an extra format. */
  files: { name: string; data: Uint8Array }[];
  trialStart?: number;
}

export interface ModelsResult {
  /** One per request, in order. */
  runs: ModelRun[];
  duration: number;
}

/** The result type of each operation. */
export interface ComputeResults {
  probe: ProbeResult;
  separation: SeparationResult;
  models: ModelsResult;
  stems: { name: string; data: Uint8Array }[];
  convert: Uint8Array;
  mix: Uint8Array;
  zip: Uint8Array;
}

async function load(path: string): Promise<PcmAudio> {
  // The file's own buffer, not a copy: a 3-minute WAV is 30 MB.
  const bytes: Uint8Array = await readFile(path);
  try {
    return await decodeAudio(bytes);
  } catch (error) {
    throw new InputError(`Not decodable audio: ${error instanceof Error ? error.message : 'unknown error'}`);
  }
}

const durationOf = (audio: PcmAudio) => (audio.channels[0]?.length ?? 0) / audio.sampleRate;

async function separation(
  request: Extract<ComputeRequest, { operation: 'separation' }>,
): Promise<SeparationResult> {
  let audio = await load(request.path);
  let trialStart: number | undefined;
  if (request.trial) {
    const duration = durationOf(audio);
    const seconds = Math.min(request.trial.seconds, duration);
    trialStart =
      request.trial.start ?? Math.floor(request.random * Math.max(0, duration - seconds) * 100) / 100;
    if (trialStart >= duration)
      throw new InputError(`trialSectionStart ${trialStart} s is past the end of the track`);
    audio = trim(audio, {
      start: trialStart,
      seconds: Math.min(request.trial.seconds, duration - trialStart),
    });
  }
  // Straight into WAV masters (see `runModels`); other formats read the samples back from them.
  const masters = await separateToWav(audio, request.set, { bitDepth: WAV_MASTER_BITS });
  const files: SeparationResult['files'] = [];
  for (const [name, stemName] of Object.entries(request.names)) {
    const master = masters[stemName];
    if (!master) throw new Error(`The separation produced no ${stemName} stem`);
    files.push({ name, data: master });
    const others = request.formats.filter((format) => format !== 'wav');
    if (others.length === 0) continue;
    const samples = decodeWav(master);
    for (const format of others)
      files.push({ name: `${name}.${format}`, data: await encodeOutput(samples, format) });
  }
  return { files, trialStart };
}

/** The six stems are five masked ones plus `other`, the input minus them, so the set sums back to the input. */
const SIX_MASKED = ['vocals', 'drums', 'bass', 'guitar', 'piano'];

async function stemFiles(
  request: Extract<ComputeRequest, { operation: 'stems' }>,
): Promise<ComputeResults['stems']> {
  const audio = await load(request.path);
  let stems: Record<string, PcmAudio>;
  if (request.set === 'two') stems = await separateSet(audio, 'two');
  else {
    stems = await separate(audio, SIX_MASKED);
    const other = audio.channels.map((channel, index) => {
      const rest = Float32Array.from(channel);
      for (const name of SIX_MASKED) {
        const stem = stems[name]?.channels[index];
        if (stem) for (let frame = 0; frame < rest.length; frame++) rest[frame]! -= stem[frame] ?? 0;
      }
      return rest;
    });
    stems = { ...stems, other: { sampleRate: audio.sampleRate, channels: other } };
  }
  const files: ComputeResults['stems'] = [];
  for (const [name, pcm] of Object.entries(stems)) {
    const data = request.codec === 'pcm' ? rawPcm(pcm) : await encodeOutput(pcm, 'mp3');
    files.push({ name: `${name}.${request.codec}`, data });
  }
  return files;
}

/** Raw signed 16-bit little-endian PCM, channels interleaved (what `pcm_*` formats are). */
function rawPcm(audio: PcmAudio): Uint8Array {
  const frames = audio.channels[0]?.length ?? 0;
  const view = new DataView(new ArrayBuffer(frames * audio.channels.length * 2));
  let offset = 0;
  for (let frame = 0; frame < frames; frame++) {
    for (const channel of audio.channels) {
      const sample = Math.max(-1, Math.min(1, channel[frame] ?? 0));
      view.setInt16(offset, Math.round(sample * 32767), true);
      offset += 2;
    }
  }
  return new Uint8Array(view.buffer);
}

/** Runs one operation. */
export async function compute<Request extends ComputeRequest>(
  request: Request,
): Promise<ComputeResults[Request['operation']]> {
  type Result = ComputeResults[Request['operation']];
  switch (request.operation) {
    case 'probe': {
      const info = await probeAudio(new Uint8Array(await readFile(request.path)));
      return {
        duration: info.durationSeconds,
        channels: info.channels,
        sampleRate: info.sampleRate,
      } as Result;
    }
    case 'separation':
      return (await separation(request)) as Result;
    case 'models': {
      const audio = await load(request.path);
      return { runs: await runModels(audio, request.requests), duration: durationOf(audio) } as Result;
    }
    case 'stems':
      return (await stemFiles(request)) as Result;
    case 'convert':
      return (await encodeOutput(await load(request.path), request.format)) as Result;
    case 'mix': {
      const tracks = await Promise.all(
        request.tracks.map(async (track) => ({
          audio: await load(track.path),
          volume: track.volume,
          pan: track.pan,
        })),
      );
      return (await encodeOutput(mix(tracks), 'wav')) as Result;
    }
    case 'zip': {
      const files = [];
      for (const file of request.files) {
        files.push({ name: file.name, data: await encodeOutput(await load(file.path), request.format) });
      }
      return (await zip(files)) as Result;
    }
  }
  throw new Error('Unknown operation');
}

import { AudioError, decodeWav, type PcmAudio, residual, separateToWav, stemRecipe } from '@stemkit/audio';
import { encodeOutput, WAV_MASTER_BITS } from './encode.ts';
import { InputError } from './errors.ts';
import { codecOf } from './formats.ts';
import { align, detectMusic, type TranscriptDocument, toSrt, transcribe } from './text.ts';

/** Models whose output is text (JSON, TXT, SRT) computed from the audio, not audio. */
export const textModels: ReadonlySet<string> = new Set(['transcription', 'alignment', 'music_detection']);

/** Output formats each kind of model accepts. */
export function acceptsFormat(model: string, format: string): boolean {
  if (model === 'music_detection') return format === 'json' || format === 'txt';
  if (textModels.has(model)) return format === 'json' || format === 'txt' || format === 'srt';
  return codecOf(format) !== undefined;
}

export interface ModelRequest {
  model: string;
  formats: string[];
  /** Base name of the main output (`vocals`, `vocals_high_quality`). */
  outputName: string;
  /** The model variant (`high_quality`, `two_speaker`, `n_speaker`). */
  variant?: string;
  residual: boolean;
  language: string;
  /** Transcript text for alignment. */
  transcript?: string;
}

export interface ModelOutput {
  /** Name without extension (`vocals`, `vocals_residual`, `transcription`). */
  name: string;
  format: string;
  data: Uint8Array;
}

function textOutputs(model: string, audio: PcmAudio, request: ModelRequest): ModelOutput[] {
  const encoder = new TextEncoder();
  if (model === 'music_detection') {
    const windows = detectMusic(audio);
    return request.formats.map((format) => ({
      name: request.outputName,
      format,
      data: encoder.encode(
        format === 'json'
          ? JSON.stringify(windows, null, 2)
          : windows
              .map((window) => `${window.start_time}\t${window.end_time}\t${window.confidence}`)
              .join('\n'),
      ),
    }));
  }
  const document: TranscriptDocument =
    model === 'alignment' && request.transcript !== undefined
      ? align(audio, request.transcript, request.language)
      : transcribe(audio, request.language);
  return request.formats.map((format) => ({
    name: request.outputName,
    format,
    data: encoder.encode(
      format === 'json'
        ? JSON.stringify(document, null, 2)
        : format === 'srt'
          ? toSrt(document)
          : document.text,
    ),
  }));
}

/** A model made of several stems at once, `parts:vocals+drums` (LALAL.AI's multistem): each is an output. */
const PARTS_PREFIX = 'parts:';

/** The stems a stem model is made of: two voices for `multi_voice`, the listed ones for `parts:`, else its own. */
const partsOf = (request: ModelRequest) =>
  request.model === 'multi_voice'
    ? ['vocals_lead', 'vocals_backing']
    : request.model.startsWith(PARTS_PREFIX)
      ? request.model.slice(PARTS_PREFIX.length).split('+')
      : [request.model];

/** Whether the audio engine can separate a stem of this name. */
function separable(name: string): boolean {
  try {
    stemRecipe(name);
    return true;
  } catch (error) {
    if (error instanceof AudioError && error.code === 'invalid-argument') return false;
    throw error;
  }
}

/** What one model of a batch produced: its outputs, or why it failed (plain data, to cross threads). */
export type ModelRun = { outputs: ModelOutput[] } | { error: { message: string; input: boolean } };

/**
 * Runs several models on the same decoded audio, as one separation: every stem any of them needs is separated
 * in a single call (the DSP computes its masks once, whatever the number of stems), straight into its WAV master
 * (never held as floats: four stems of a 3-minute track would be 256 MB of them), then each model takes its
 * parts; other formats and residuals read their samples back from the master. Text models read the audio's envelope; stem models separate it with @stemkit/audio
 * (approximations for names it cannot isolate), plus the residual (mixture − stem) on request. `multi_voice` is
 * approximated as two voices, the lead (centred) and the backing part of the vocals, named `voice_<variant>_01`
 * and `_02` as AudioShake names its speakers. A model that fails fails alone.
 */
export async function runModels(audio: PcmAudio, requests: readonly ModelRequest[]): Promise<ModelRun[]> {
  const wanted = requests
    .filter((request) => !textModels.has(request.model))
    .flatMap(partsOf)
    .filter(separable);
  const masters = wanted.length > 0 ? await separateToWav(audio, wanted, { bitDepth: WAV_MASTER_BITS }) : {};
  const stems = new Stems(masters);
  const runs: ModelRun[] = [];
  for (const request of requests) {
    try {
      runs.push({ outputs: await runModel(audio, request, stems) });
    } catch (error) {
      runs.push({
        error: {
          message: error instanceof Error ? error.message : String(error),
          input: error instanceof InputError,
        },
      });
    }
  }
  return runs;
}

/** The batch's stems: each a WAV master, decoded to samples only when a format or a residual needs them. */
class Stems {
  readonly #masters: Record<string, Uint8Array>;
  readonly #samples = new Map<string, PcmAudio>();

  constructor(masters: Record<string, Uint8Array>) {
    this.#masters = masters;
  }

  master(name: string): Uint8Array {
    const master = this.#masters[name];
    if (!master) throw new Error(`The model ${name} produced no output`);
    return master;
  }

  samples(name: string): PcmAudio {
    const known = this.#samples.get(name);
    if (known) return known;
    const samples = decodeWav(this.master(name));
    this.#samples.set(name, samples);
    return samples;
  }
}

/** One model's outputs, its stems taken from the batch's separation. */
async function runModel(audio: PcmAudio, request: ModelRequest, stems: Stems): Promise<ModelOutput[]> {
  if (textModels.has(request.model)) return textOutputs(request.model, audio, request);
  const voices = request.model === 'multi_voice';
  const parts = partsOf(request).map((name) => {
    if (!separable(name)) throw new InputError(`The model ${request.model} is not available`);
    return name;
  });
  const names = voices
    ? parts.map(
        (_, index) => `voice_${request.variant ?? 'two_speaker'}_${String(index + 1).padStart(2, '0')}`,
      )
    : request.model.startsWith(PARTS_PREFIX)
      ? parts
      : [request.outputName];
  const rest = request.residual
    ? parts.reduce((mixture, part) => residual(mixture, stems.samples(part)), audio)
    : undefined;
  const outputs: ModelOutput[] = [];
  for (const format of request.formats) {
    for (const [index, part] of parts.entries()) {
      outputs.push({
        name: names[index] ?? request.outputName,
        format,
        data:
          codecOf(format) === 'wav' ? stems.master(part) : await encodeOutput(stems.samples(part), format),
      });
    }
    if (rest)
      outputs.push({ name: `${request.model}_residual`, format, data: await encodeOutput(rest, format) });
  }
  return outputs;
}

import { AudioError, type PcmAudio, residual, separate } from '@stemkit/audio';
import { encodeOutput } from './encode.ts';
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

/** Separates one stem, or answers an input error when the audio engine knows no such name. */
async function separateOne(audio: PcmAudio, names: string[]): Promise<PcmAudio[]> {
  let stems: Record<string, PcmAudio>;
  try {
    stems = await separate(audio, names);
  } catch (error) {
    if (error instanceof AudioError && error.code === 'invalid-argument') {
      throw new InputError(`The model ${names.join(', ')} is not available`);
    }
    throw error;
  }
  return names.map((name) => {
    const stem = stems[name];
    if (!stem) throw new Error(`The model ${name} produced no output`);
    return stem;
  });
}

/**
 * Runs one model on decoded audio: text models read the audio's envelope; stem models separate it with
 * @stemkit/audio (approximations for names it cannot isolate), plus the residual (mixture − stem) on request.
 * `multi_voice` is approximated as two voices, the lead (centred) and the backing part of the vocals, named
 * `voice_<variant>_01` and `_02` as AudioShake names its speakers.
 */
export async function runModel(audio: PcmAudio, request: ModelRequest): Promise<ModelOutput[]> {
  if (textModels.has(request.model)) return textOutputs(request.model, audio, request);
  const voices = request.model === 'multi_voice';
  const parts = voices
    ? await separateOne(audio, ['vocals_lead', 'vocals_backing'])
    : await separateOne(audio, [request.model]);
  const names = voices
    ? parts.map(
        (_, index) => `voice_${request.variant ?? 'two_speaker'}_${String(index + 1).padStart(2, '0')}`,
      )
    : [request.outputName];
  const rest = request.residual ? parts.reduce((mixture, part) => residual(mixture, part), audio) : undefined;
  const outputs: ModelOutput[] = [];
  for (const format of request.formats) {
    for (const [index, part] of parts.entries()) {
      outputs.push({
        name: names[index] ?? request.outputName,
        format,
        data: await encodeOutput(part, format),
      });
    }
    if (rest)
      outputs.push({ name: `${request.model}_residual`, format, data: await encodeOutput(rest, format) });
  }
  return outputs;
}

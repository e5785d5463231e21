import { type PcmAudio, residual, separate } from '@stemkit/audio';
import { encodeOutput } from './encode.ts';
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

/**
 * Runs one model on decoded audio: text models read the audio's envelope; stem models separate it with
 * @stemkit/audio (approximations for names it cannot isolate), plus the residual (mixture − stem) on request.
 */
export async function runModel(audio: PcmAudio, request: ModelRequest): Promise<ModelOutput[]> {
  if (textModels.has(request.model)) return textOutputs(request.model, audio, request);
  const stems = await separate(audio, [request.model]);
  const stem = stems[request.model];
  if (!stem) throw new Error(`The model ${request.model} produced no output`);
  const outputs: ModelOutput[] = [];
  const rest = request.residual ? residual(audio, stem) : undefined;
  for (const format of request.formats) {
    outputs.push({ name: request.outputName, format, data: await encodeOutput(stem, format) });
    if (rest)
      outputs.push({ name: `${request.model}_residual`, format, data: await encodeOutput(rest, format) });
  }
  return outputs;
}

import { stat } from 'node:fs/promises';
import { UsageError } from './errors.ts';

/**
 * The audio formats `--format` accepts: every driver delivers them, natively or converted on this machine by
 * the local audio plugin.
 */
export const CLI_FORMATS = ['wav', 'mp3', 'flac', 'm4a', 'aiff'] as const;
/** One of {@link CLI_FORMATS}. */
export type CliFormat = (typeof CLI_FORMATS)[number];

/** The text formats of transcription, alignment and detection models. */
export const TEXT_FORMATS = ['json', 'txt', 'srt'] as const;
/** One of {@link TEXT_FORMATS}. */
export type TextFormat = (typeof TEXT_FORMATS)[number];

/** Models whose outputs are text (`json`, `txt`, `srt`), not audio. */
export const TEXT_MODELS: readonly string[] = [
  'transcription',
  'alignment',
  'music_detection',
  'music_identification',
];

/** The formats of `separate --format a,b`: audio ones for stems, text ones for text models. */
export interface FormatChoice {
  readonly audio: readonly CliFormat[];
  readonly text: readonly TextFormat[];
}

/**
 * Reads `separate --format`: one or more formats, comma-separated; audio formats go to stems, text formats to
 * text models (transcription, alignment…), each kind defaulting to `wav` and `json`.
 *
 * @example
 * ```ts
 * parseFormats('mp3,json'); // { audio: ['mp3'], text: ['json'] }
 * ```
 */
export function parseFormats(text: string): FormatChoice {
  const names = [...new Set(text.split(',').map((each) => each.trim().toLowerCase().replace(/^\./, '')))];
  const audio: CliFormat[] = [];
  const textFormats: TextFormat[] = [];
  for (const name of names) {
    const asAudio = CLI_FORMATS.find((each) => each === name);
    const asText = TEXT_FORMATS.find((each) => each === name);
    if (asAudio) audio.push(asAudio);
    else if (asText) textFormats.push(asText);
    else {
      throw new UsageError(
        `--format must be one or more of ${[...CLI_FORMATS, ...TEXT_FORMATS].join(', ')} (got "${text}")`,
      );
    }
  }
  return { audio, text: textFormats };
}

/** The stems `separate` asks for when `--stems` is not given. */
export const DEFAULT_STEMS = ['vocals', 'drums', 'bass', 'other'] as const;

const STEM_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/**
 * Reads `--stems vocals,drums`: names separated by commas, trimmed, without duplicates.
 *
 * @example
 * ```ts
 * parseStems('vocals, drums,vocals'); // ['vocals', 'drums']
 * ```
 */
export function parseStems(text: string): string[] {
  const stems = [
    ...new Set(
      text
        .split(',')
        .map((stem) => stem.trim())
        .filter(Boolean),
    ),
  ];
  if (stems.length === 0) throw new UsageError('--stems needs at least one stem name, e.g. vocals,drums');
  const bad = stems.find((stem) => !STEM_NAME.test(stem));
  if (bad !== undefined) {
    throw new UsageError(`--stems: "${bad}" is not a stem name (letters, digits, "-" and "_")`);
  }
  return stems;
}

/**
 * Reads `--format`: one of {@link CLI_FORMATS}, any case, with or without a leading dot.
 *
 * @example
 * ```ts
 * parseFormat('.MP3'); // 'mp3'
 * ```
 */
export function parseFormat(text: string): CliFormat {
  const format = text.trim().toLowerCase().replace(/^\./, '');
  const known = CLI_FORMATS.find((each) => each === format);
  if (known === undefined)
    throw new UsageError(`--format must be one of ${CLI_FORMATS.join(', ')} (got "${text}")`);
  return known;
}

/** A section of the track to separate, in seconds; the provider picks the start when `start` is absent. */
export interface TrialWindow {
  readonly start?: number;
  readonly seconds: number;
}

/**
 * Reads `--trial START:SECONDS` (or `:SECONDS` to let the provider pick the start).
 *
 * @example
 * ```ts
 * parseTrial('30:15'); // { start: 30, seconds: 15 }
 * parseTrial(':20');   // { seconds: 20 }
 * ```
 */
export function parseTrial(text: string): TrialWindow {
  const match = /^\s*(\d+(?:\.\d+)?)?\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const seconds = Number(match?.[2]);
  if (!match || !(seconds > 0)) {
    throw new UsageError(`--trial must be START:SECONDS in seconds, e.g. 30:15 or :15 (got "${text}")`);
  }
  return match[1] === undefined ? { seconds } : { start: Number(match[1]), seconds };
}

/** One track of a mix: a stem, its volume (0–1) and its pan (−1 left … 1 right). */
export interface MixTrack {
  readonly stem: string;
  readonly volume: number;
  readonly pan: number;
}

/**
 * Reads one `--track STEM[:VOLUME[:PAN]]` of `stemkit mix`; volume defaults to 1, pan to 0 (centre).
 *
 * @example
 * ```ts
 * parseTrack('vocals:0.8:-0.25'); // { stem: 'vocals', volume: 0.8, pan: -0.25 }
 * parseTrack('drums');            // { stem: 'drums', volume: 1, pan: 0 }
 * ```
 */
export function parseTrack(text: string): MixTrack {
  const [stem = '', volumeText, panText, ...rest] = text.split(':').map((part) => part.trim());
  const volume = volumeText === undefined || volumeText === '' ? 1 : Number(volumeText);
  const pan = panText === undefined || panText === '' ? 0 : Number(panText);
  const example = 'e.g. vocals:0.8:-0.25';
  if (rest.length > 0 || !STEM_NAME.test(stem)) {
    throw new UsageError(`--track must be STEM[:VOLUME[:PAN]], ${example} (got "${text}")`);
  }
  if (!(volume >= 0 && volume <= 1)) {
    throw new UsageError(`--track ${stem}: volume must be between 0 and 1 (got "${volumeText}")`);
  }
  if (!(pan >= -1 && pan <= 1)) {
    throw new UsageError(`--track ${stem}: pan must be between -1 (left) and 1 (right) (got "${panText}")`);
  }
  return { stem, volume, pan };
}

/**
 * Reads `--name` of `mix` and `zip` into a safe file name: letters, digits, dots, dashes and underscores.
 *
 * @example
 * ```ts
 * parseFileName('my mix'); // 'my-mix'
 * ```
 */
export function parseFileName(text: string): string {
  const name = text
    .trim()
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[.-]+/, '');
  if (name === '') throw new UsageError(`--name must contain letters or digits (got "${text}")`);
  return name;
}

/**
 * Reads a positive number of seconds, as `--timeout` takes, into milliseconds.
 *
 * @example
 * ```ts
 * parseSeconds('--timeout', '90'); // 90000
 * ```
 */
export function parseSeconds(flag: string, text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !(seconds > 0) || !Number.isFinite(seconds)) {
    throw new UsageError(`${flag} must be a positive number of seconds (got "${text}")`);
  }
  return Math.round(seconds * 1000);
}

/**
 * Reads `--port`: an integer from 0 (any free port) to 65535.
 *
 * @example
 * ```ts
 * parsePort('8787'); // 8787
 * ```
 */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535 (got "${text}")`);
  }
  return port;
}

/** Where `separate` reads its audio: a local file or a remote URL the provider fetches. */
export type SourceArgument =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'url'; readonly url: URL };

/**
 * Reads `separate`'s `<file|url>`: an http(s) URL, or a path to a file that must exist.
 *
 * @example
 * ```ts
 * await parseSource('examples/demo.wav'); // { kind: 'file', path: 'examples/demo.wav' }
 * ```
 */
export async function parseSource(text: string): Promise<SourceArgument> {
  if (/^https?:\/\//i.test(text)) {
    try {
      return { kind: 'url', url: new URL(text) };
    } catch {
      throw new UsageError(`"${text}" is not a valid URL`);
    }
  }
  const info = await stat(text).catch(() => undefined);
  if (!info) throw new UsageError(`no such file: ${text}`);
  if (!info.isFile()) throw new UsageError(`not a file: ${text}`);
  return { kind: 'file', path: text };
}

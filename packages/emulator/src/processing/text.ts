import type { PcmAudio } from '@stemkit/audio';

/** A word with its time span in seconds, as AudioShake writes it. */
export interface TimedWord {
  /** When the word begins, in seconds from the start of the audio (rounded to the millisecond). */
  start: number;
  /** When the word ends, in seconds; each word ends where the next one of its line begins. */
  end: number;
  /**
   * The word with what follows it, as in AudioShake's files: a space, or `\n` for the last word of its line,
   * so that a line's words put together are its `text`. A placeholder syllable for transcription, a word of the
   * supplied transcript for alignment.
   */
  text: string;
}

/** A line: a stretch of sound between silences, with its words. */
export interface TranscriptLine {
  /** When the sound begins, in seconds from the start of the audio (rounded to the millisecond). */
  start: number;
  /** When the sound ends, in seconds, at most the audio's duration. */
  end: number;
  /** The line's words joined by single spaces, ending with `\n`: its words' `text` put together. */
  text: string;
  /** The same words, each timed on an equal share of the line. */
  words: TimedWord[];
}

/**
 * The JSON that transcription and alignment jobs write, in AudioShake's published shape (the
 * `alignment-wordless.json` sample of its demo repository; see docs/providers/audioshake-tasks.md).
 */
export interface TranscriptDocument {
  /**
   * The whole transcript, each line `\n`-terminated: for transcription the lines' `text` put together, for
   * alignment the supplied transcript's non-blank lines.
   */
  text: string;
  /** The stretches of sound in time order, each with its timed words. */
  lines: TranscriptLine[];
  /** What the job was asked: the language code (`en` when none or `auto`; the placeholder words ignore it). */
  metadata: { language: string };
}

/** One 10-second window of a music detection result. */
export interface MusicWindow {
  /** Start of the window, in seconds: 0, 10, 20 and so on. */
  start_time: number;
  /** End of the window, in seconds: `start_time` + 10, or the end of the audio for the last window. */
  end_time: number;
  /** Share of the window's 50 ms frames that hold sound, 0–1; loudness alone, not a music classifier. */
  confidence: number;
}

const frameSeconds = 0.05;
const round = (value: number) => Math.round(value * 1000) / 1000;

/** RMS of the mono downmix in 50 ms frames. */
function envelope(audio: PcmAudio): Float64Array {
  const frameLength = Math.max(1, Math.round(audio.sampleRate * frameSeconds));
  const length = audio.channels[0]?.length ?? 0;
  const frames = new Float64Array(Math.ceil(length / frameLength));
  for (let frame = 0; frame < frames.length; frame += 1) {
    let sum = 0;
    const end = Math.min(length, (frame + 1) * frameLength);
    for (let index = frame * frameLength; index < end; index += 1) {
      let sample = 0;
      for (const channel of audio.channels) sample += channel[index] ?? 0;
      sample /= audio.channels.length;
      sum += sample * sample;
    }
    frames[frame] = Math.sqrt(sum / Math.max(1, end - frame * frameLength));
  }
  return frames;
}

/** Frames louder than a tenth of the loudest (and than -60 dBFS) count as sound. */
function activeFrames(frames: Float64Array): boolean[] {
  const peak = frames.reduce((maximum, value) => Math.max(maximum, value), 0);
  const threshold = Math.max(peak * 0.1, 0.001);
  return Array.from(frames, (value) => value >= threshold);
}

/**
 * The spans of sound in the audio: runs of active frames, joined across gaps under 300 ms, dropped under
 * 150 ms. These are real onsets and silences of the input.
 */
export function soundSpans(audio: PcmAudio): { start: number; end: number }[] {
  const active = activeFrames(envelope(audio));
  const spans: { start: number; end: number }[] = [];
  let start = -1;
  active.forEach((isActive, frame) => {
    if (isActive && start < 0) start = frame;
    if (!isActive && start >= 0) {
      spans.push({ start: start * frameSeconds, end: frame * frameSeconds });
      start = -1;
    }
  });
  if (start >= 0) spans.push({ start: start * frameSeconds, end: active.length * frameSeconds });
  const joined: { start: number; end: number }[] = [];
  for (const span of spans) {
    const last = joined.at(-1);
    if (last && span.start - last.end < 0.3) last.end = span.end;
    else joined.push({ ...span });
  }
  const duration = (audio.channels[0]?.length ?? 0) / audio.sampleRate;
  return joined
    .filter((span) => span.end - span.start >= 0.15)
    .map((span) => ({ start: round(span.start), end: round(Math.min(span.end, duration)) }));
}

const vocabulary = ['la', 'na', 'oh', 'yeah', 'hey', 'da', 'doo', 'ooh', 'mm', 'whoa', 'ah', 'hum'];

/** Spreads words over spans in proportion to each span's length, each word an equal share of its span. */
function placeWords(words: string[], spans: { start: number; end: number }[]): TranscriptLine[] {
  const total = spans.reduce((sum, span) => sum + (span.end - span.start), 0);
  const lines: TranscriptLine[] = [];
  let used = 0;
  let covered = 0;
  spans.forEach((span, index) => {
    covered += span.end - span.start;
    const until = index === spans.length - 1 ? words.length : Math.round((covered / total) * words.length);
    const share = words.slice(used, until);
    used = until;
    if (share.length === 0) return;
    const step = (span.end - span.start) / share.length;
    const timed = share.map((word, position) => ({
      start: round(span.start + position * step),
      end: round(span.start + (position + 1) * step),
      text: position === share.length - 1 ? `${word}\n` : `${word} `,
    }));
    lines.push({ start: span.start, end: span.end, text: `${share.join(' ')}\n`, words: timed });
  });
  return lines;
}

/** The document of timed lines; its whole text is theirs put together unless given. */
function documentOf(lines: TranscriptLine[], language: string, text?: string): TranscriptDocument {
  return { text: text ?? lines.map((line) => line.text).join(''), lines, metadata: { language } };
}

/**
 * Transcription: there is no speech recogniser here, so the words are a deterministic placeholder (one
 * syllable per 400 ms of sound, picked by the span's loudness pattern), timed on the real sound spans.
 */
export function transcribe(audio: PcmAudio, language: string): TranscriptDocument {
  const spans = soundSpans(audio);
  const frames = envelope(audio);
  const words: string[] = [];
  for (const span of spans) {
    const count = Math.max(1, Math.round((span.end - span.start) / 0.4));
    for (let index = 0; index < count; index += 1) {
      const frame = Math.floor(span.start / frameSeconds) + index;
      const level = Math.floor((frames[frame] ?? 0) * 1000);
      words.push(vocabulary[(level + index) % vocabulary.length] ?? 'la');
    }
  }
  return documentOf(placeWords(words, spans), language);
}

/**
 * Alignment: the supplied transcript's words, timed on the audio's real sound spans. When the transcript has
 * one line per span, each line takes its span; otherwise the words spread over the spans by length.
 */
export function align(audio: PcmAudio, transcript: string, language: string): TranscriptDocument {
  const lines = transcript
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const spans = soundSpans(audio);
  const timed =
    lines.length === spans.length
      ? lines.flatMap((line, index) => placeWords(line.split(/\s+/), [spans[index] ?? { start: 0, end: 0 }]))
      : placeWords(
          lines.flatMap((line) => line.split(/\s+/)),
          spans.length > 0 ? spans : [{ start: 0, end: 0 }],
        );
  // As in AudioShake's files, the text is the transcript supplied (here its non-blank lines), however timed.
  return documentOf(timed, language, lines.map((line) => `${line}\n`).join(''));
}

/** The text of one line of a transcript file: a string, or an object with a `text` (AudioShake's lines). */
function lineText(line: unknown): string {
  if (typeof line === 'string') return line;
  const text = line && typeof line === 'object' ? (line as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text.trim() : '';
}

/**
 * The text of a transcript file. Plain text, or JSON: a string, `{text}`, an array of lines, or lines under
 * `lines` (AudioShake's shape, `{lines: [{text, words}]}`) or `segments` (this emulator's shape before issue
 * #26), each a string or an object with a `text`.
 */
export function transcriptText(data: Uint8Array): string {
  const text = new TextDecoder().decode(data);
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(lineText).join('\n');
    if (value && typeof value === 'object') {
      const record = value as { text?: unknown; lines?: unknown; segments?: unknown };
      if (typeof record.text === 'string') return record.text;
      const lines = Array.isArray(record.lines) ? record.lines : record.segments;
      if (Array.isArray(lines)) return lines.map(lineText).join('\n');
    }
  } catch {
    // Not JSON: plain text.
  }
  return text;
}

/** Music detection in 10-second windows; confidence is the share of the window that holds sound. */
export function detectMusic(audio: PcmAudio): MusicWindow[] {
  const active = activeFrames(envelope(audio));
  const duration = (audio.channels[0]?.length ?? 0) / audio.sampleRate;
  const windows: MusicWindow[] = [];
  const perWindow = Math.round(10 / frameSeconds);
  for (let start = 0; start < duration; start += 10) {
    const first = Math.round(start / frameSeconds);
    const slice = active.slice(first, first + perWindow);
    const confidence = slice.length === 0 ? 0 : slice.filter(Boolean).length / slice.length;
    windows.push({
      start_time: start,
      end_time: round(Math.min(start + 10, duration)),
      confidence: round(confidence),
    });
  }
  return windows;
}

/** SubRip subtitles of a transcript. */
export function toSrt(document: TranscriptDocument): string {
  const time = (seconds: number) => {
    const milliseconds = Math.round(seconds * 1000);
    const pad = (value: number, width = 2) => String(value).padStart(width, '0');
    return `${pad(Math.floor(milliseconds / 3_600_000))}:${pad(Math.floor(milliseconds / 60_000) % 60)}:${pad(
      Math.floor(milliseconds / 1000) % 60,
    )},${pad(milliseconds % 1000, 3)}`;
  };
  return document.lines
    .map((line, index) => `${index + 1}\n${time(line.start)} --> ${time(line.end)}\n${line.text.trim()}\n`)
    .join('\n');
}

import type { Asset, OutputFormat, StemName } from '@stemkit/core/driver';
import { NEUTRAL_FORMATS } from './catalog.ts';
import type { ElevenLabsOutputFormat } from './wire.ts';

/** Entry base names the note lists for the rest of the mix in `two_stems_v1` (community code varies). */
const INSTRUMENTAL_NAMES = new Set([
  'instrumental',
  'background',
  'accompaniment',
  'no_vocals',
  'music',
  'rest',
]);

/**
 * The neutral stem of a ZIP entry (`vocals.mp3`, `stems/Drums.wav`, `accompaniment.pcm`), or `undefined` for an
 * entry that is no stem (a folder, a manifest).
 *
 * @example
 * ```ts
 * stemOfEntry('background.mp3'); // 'instrumental'
 * ```
 */
export function stemOfEntry(entryName: string): StemName | undefined {
  const file = entryName.split('/').at(-1) ?? '';
  const base = file
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .trim();
  if (base.length === 0 || entryName.endsWith('/')) return undefined;
  if (base === 'vocal' || base === 'voice' || base === 'vocals') return 'vocals';
  if (INSTRUMENTAL_NAMES.has(base)) return 'instrumental';
  if (['drums', 'bass', 'guitar', 'piano', 'other'].includes(base)) return base;
  return undefined;
}

/** The neutral format an output in `outputFormat` is reported in: `mp3` for the default, else the string itself. */
export function neutralFormat(requested: OutputFormat, outputFormat: ElevenLabsOutputFormat): OutputFormat {
  return NEUTRAL_FORMATS[requested] === outputFormat ? requested : outputFormat;
}

/** MIME type of a stem in `outputFormat`. */
export function mimeTypeOfOutput(outputFormat: ElevenLabsOutputFormat): string {
  if (outputFormat.startsWith('mp3')) return 'audio/mpeg';
  if (outputFormat.startsWith('opus')) return 'audio/opus';
  if (outputFormat.startsWith('ulaw')) return 'audio/basic';
  return 'application/octet-stream';
}

/** The neutral output for one stem entry of the ZIP, kept in the local store under `id`. */
export function stemAsset(
  id: string,
  entryName: string,
  stem: StemName,
  format: OutputFormat,
  outputFormat: ElevenLabsOutputFormat,
): Asset {
  return {
    id,
    name: entryName.split('/').at(-1) ?? entryName,
    role: 'stem',
    stem,
    format,
    mimeType: mimeTypeOfOutput(outputFormat),
    provider: 'elevenlabs',
    raw: { entry: entryName, outputFormat },
  };
}

/** The ZIP itself, as an `archive` output. */
export function archiveAsset(id: string, fileName: string, outputFormat: ElevenLabsOutputFormat): Asset {
  return {
    id,
    name: fileName,
    role: 'archive',
    format: 'zip',
    mimeType: 'application/zip',
    provider: 'elevenlabs',
    raw: { outputFormat },
  };
}

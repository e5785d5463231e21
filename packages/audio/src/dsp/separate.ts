import { type WavBitDepth, wavWriter } from '../codec/wav.ts';
import { AudioError } from '../errors.ts';
import { assertPcm, frameCount, silence } from '../pcm.ts';
import type { PcmAudio } from '../types.ts';
import { type BlockSink, type SeparatorSettings, StemSeparator } from './separator.ts';
import { type StemRecipe, stemRecipe } from './stems.ts';

/** Frames fed between yields to the event loop, so a long separation never blocks a server for seconds. */
const CHUNK_FRAMES = 1 << 17;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function assertFinite(audio: PcmAudio): void {
  for (const channel of audio.channels) {
    for (let index = 0; index < channel.length; index++) {
      if (!Number.isFinite(channel[index]!))
        throw new AudioError('invalid-argument', `audio sample ${index} is not a finite number`);
    }
  }
}

/** Runs the streaming separator over in-memory audio, handing the blocks of every stem to `sink` in order. */
async function run(
  audio: PcmAudio,
  recipes: readonly StemRecipe[],
  remainder: boolean,
  settings: Partial<SeparatorSettings> | undefined,
  sink: BlockSink,
): Promise<void> {
  assertPcm(audio);
  assertFinite(audio);
  const frames = frameCount(audio);
  const separator = new StemSeparator(
    { sampleRate: audio.sampleRate, channelCount: audio.channels.length },
    recipes,
    { remainder, settings, sink },
  );
  for (let start = 0; start < frames; start += CHUNK_FRAMES) {
    separator.write(audio.channels, start, Math.min(frames, start + CHUNK_FRAMES));
    await yieldToEventLoop();
  }
  separator.end();
}

/** The separation of a stem request as whole in-memory stems, by name. */
async function runToPcm(
  audio: PcmAudio,
  stems: 'two' | 'four' | readonly string[],
  settings?: Partial<SeparatorSettings>,
): Promise<Record<string, PcmAudio>> {
  const { masked, names, remainder } = stemRequest(stems);
  assertPcm(audio);
  const frames = frameCount(audio);
  const outputs = names.map(() => silence(audio.sampleRate, audio.channels.length, frames));
  let offset = 0;
  await run(audio, masked.map(stemRecipe), remainder, settings, (blocks, length) => {
    blocks.forEach((channels, stem) => {
      channels.forEach((block, channel) => {
        outputs[stem]!.channels[channel]!.set(block.subarray(0, length), offset);
      });
    });
    offset += length;
  });
  return Object.fromEntries(names.map((name, index) => [name, outputs[index]!]));
}

function uniqueNames(stems: readonly string[]): string[] {
  const names = [...new Set(stems)];
  if (names.length === 0) throw new AudioError('invalid-argument', 'no stems requested');
  return names;
}

/**
 * Separates any list of stem names by DSP. Known: vocals, instrumental (alias accompaniment), drums, bass, other;
 * other names (guitar, piano, strings, wind, dialogue, music_fx, music_removal, other-x-guitar, …) get the
 * approximation documented in {@link STEM_RECIPES}. Each output has the input's channels, sample rate and length.
 *
 * @example
 * ```ts
 * const { vocals, drums } = await separate(audio, ['vocals', 'drums']);
 * ```
 */
export async function separate(
  audio: PcmAudio,
  stems: readonly string[],
  settings?: Partial<SeparatorSettings>,
): Promise<Record<string, PcmAudio>> {
  return runToPcm(audio, stems, settings);
}

/** The canonical sets: stems computed by masks, then the remainder (input − the others) that closes the sum. */
export const STEM_SETS = {
  two: { masked: ['vocals'], remainder: 'instrumental' },
  four: { masked: ['vocals', 'drums', 'bass'], remainder: 'other' },
} as const;

/**
 * The canonical stem sets: `'two'` gives vocals and instrumental, `'four'` vocals, drums, bass and other. The last
 * stem of each set is the input minus the others, so each set sums back to the input up to float rounding.
 *
 * @example
 * ```ts
 * const { vocals, drums, bass, other } = await separateSet(audio, 'four');
 * ```
 */
export async function separateSet(
  audio: PcmAudio,
  set: 'two' | 'four',
  settings?: Partial<SeparatorSettings>,
): Promise<Record<string, PcmAudio>> {
  return runToPcm(audio, set, settings);
}

function setOf(set: 'two' | 'four'): (typeof STEM_SETS)[keyof typeof STEM_SETS] {
  const definition = Object.hasOwn(STEM_SETS, set) ? STEM_SETS[set] : undefined;
  if (!definition)
    throw new AudioError('invalid-argument', `unknown stem set "${set}"; expected "two" or "four"`);
  return definition;
}

/**
 * What a request for stems asks for: a canonical set (its masked stems, then the remainder) or a list of names.
 * `names` are the outputs, in order.
 */
export function stemRequest(stems: 'two' | 'four' | readonly string[]): {
  masked: readonly string[];
  names: readonly string[];
  remainder: boolean;
} {
  if (typeof stems !== 'string') {
    const names = uniqueNames(stems);
    return { masked: names, names, remainder: false };
  }
  const set = setOf(stems);
  return { masked: set.masked, names: [...set.masked, set.remainder], remainder: true };
}

/**
 * Like {@link separate} (a list of stems) or {@link separateSet} (`'two'` or `'four'`), but each stem comes out as
 * a WAV file, written from the separator's blocks as they come: no stem is ever held as floats (a 3-minute stereo
 * stem is 64 MB of them). The files are byte for byte what {@link encodeWav} makes of those functions' stems.
 *
 * @example
 * ```ts
 * const { vocals } = await separateToWav(audio, ['vocals'], { bitDepth: 24 });
 * if (vocals) await writeFile('vocals.wav', vocals);
 * ```
 */
export async function separateToWav(
  audio: PcmAudio,
  stems: 'two' | 'four' | readonly string[],
  options: { bitDepth?: WavBitDepth; settings?: Partial<SeparatorSettings> } = {},
): Promise<Record<string, Uint8Array>> {
  const { masked, names, remainder } = stemRequest(stems);
  assertPcm(audio);
  const writers = names.map(() =>
    wavWriter({
      sampleRate: audio.sampleRate,
      channels: audio.channels.length,
      frames: frameCount(audio),
      bitDepth: options.bitDepth,
    }),
  );
  await run(audio, masked.map(stemRecipe), remainder, options.settings, (blocks, length) => {
    blocks.forEach((channels, stem) => {
      writers[stem]!.write(channels, length);
    });
  });
  return Object.fromEntries(names.map((name, index) => [name, writers[index]!.bytes]));
}

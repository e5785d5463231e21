import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encodeAudio } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { makeFolder } from '../folders.ts';

/** The demo track's recipe: fixed, so every run writes the same bytes. */
export const DEMO_TRACK = { seed: 7, seconds: 10 } as const;

/**
 * The demo track as WAV bytes: a synthesised song (a centre-panned voice-like melody, drums, bass and wide
 * chords) from `@stemkit/audio`'s generator, with a fixed seed — no third-party audio.
 *
 * @example
 * ```ts
 * await writeFile('demo.wav', await demoTrack());
 * ```
 */
export async function demoTrack(seconds: number = DEMO_TRACK.seconds): Promise<Uint8Array> {
  const { mixture } = synthesizeMixture({ seed: DEMO_TRACK.seed, seconds });
  return encodeAudio(mixture, 'wav');
}

/**
 * `stemkit demo-track [file]`: writes the demo track the README separates, to try stemkit without audio of one's own.
 *
 * @example
 * ```sh
 * stemkit demo-track packages/cli/demo/demo.wav
 * ```
 */
export function demoTrackCommand(context: CliContext): Command {
  return new Command('demo-track')
    .description('write the synthesised demo track (WAV) to try stemkit with: no audio of your own needed')
    .argument('[file]', 'where to write it', 'demo.wav')
    .option('--seconds <seconds>', 'length', String(DEMO_TRACK.seconds))
    .action(async (file: string, flags: { readonly seconds: string }) => {
      const seconds = Number(flags.seconds);
      if (!(seconds > 0 && seconds <= 600))
        throw new UsageError(`--seconds must be between 0 and 600 (got "${flags.seconds}")`);
      await makeFolder(dirname(file));
      await writeFile(file, await demoTrack(seconds));
      context.stdout.write(`${file}\n`);
    });
}

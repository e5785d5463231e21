import { Command } from 'commander';
import { type MixTrack, parseFileName, parseFormat, parseTrack } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { downloadAll } from '../files.ts';
import { requireFolderPath } from '../folders.ts';
import { follow, parseHandle } from '../follow.ts';
import { filesTable, printResult } from '../output/result.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

interface MixFlags extends SessionFlags {
  readonly track: MixTrack[];
  readonly format: string;
  readonly name: string;
  readonly out: string;
}

/**
 * `stemkit mix <handle> --track STEM[:VOLUME[:PAN]]…`: mixes a finished job's stems into one file, at the
 * provider when it can, otherwise on this machine (same file either way).
 *
 * @example
 * ```sh
 * stemkit mix sk1.eyJjb250cmFjdCI6MS… --track vocals:0.9:-0.3 --track drums:0.7:0.3 --format mp3
 * ```
 */
export function mixCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('mix')
      .description("mix a job's stems with per-track volume (0–1) and pan (-1 left … 1 right)")
      .argument('<handle>', 'the sk1.… token `separate` printed')
      .option(
        '-t, --track <stem[:volume[:pan]]>',
        'a stem to mix, repeatable, e.g. vocals:0.8:-0.25',
        (text: string, tracks: MixTrack[]) => [...tracks, parseTrack(text)],
        [],
      )
      .option('-f, --format <format>', 'wav, mp3, flac or m4a', 'wav')
      .option('-n, --name <name>', 'file name of the mix, without extension', 'mix')
      .option('-o, --out <dir>', 'folder to write the mix to', 'stems'),
  ).action(async (handleText: string, flags: MixFlags) => {
    const handle = parseHandle(handleText);
    const format = parseFormat(flags.format);
    if (flags.track.length === 0)
      throw new UsageError('mix needs at least one --track, e.g. --track vocals:1:0');
    const name = parseFileName(flags.name);
    await requireFolderPath(flags.out, '--out');
    const session = await openSession(context, flags, handle.provider);
    try {
      const job = await follow(session, context, handle);
      const how = session.stemkit.capabilities.mix ? 'at the provider' : 'locally';
      session.reporter.note(`mixing ${flags.track.map((track) => track.stem).join(', ')} ${how}`);
      const asset = await session.stemkit.mix(job, {
        tracks: flags.track,
        name,
        format,
        signal: context.signal,
      });
      const files = await downloadAll(session, context, [{ asset }], {
        job,
        out: flags.out,
        fileName: () => name,
      });
      printResult(context, {
        text: filesTable(files),
        json: { files, mixedBy: how === 'locally' ? 'local' : 'provider' },
      });
    } finally {
      await session.close();
    }
  });
}

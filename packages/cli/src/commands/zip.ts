import { Command } from 'commander';
import { parseFileName, parseFormat, parseStems } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { downloadAll } from '../files.ts';
import { requireFolderPath } from '../folders.ts';
import { follow, parseHandle } from '../follow.ts';
import { filesTable, printResult } from '../output/result.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

interface ZipFlags extends SessionFlags {
  readonly stems?: string;
  readonly format: string;
  readonly name: string;
  readonly out: string;
}

/**
 * `stemkit zip <handle>`: one zip of a finished job's stems in one format, made at the provider when it can,
 * otherwise on this machine.
 *
 * @example
 * ```sh
 * stemkit zip sk1.eyJjb250cmFjdCI6MS… --stems vocals,drums --format mp3 --name session
 * ```
 */
export function zipCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('zip')
      .description("zip a job's stems into one archive")
      .argument('<handle>', 'the sk1.… token `separate` printed')
      .option('-s, --stems <list>', 'stems to include, comma-separated (default: every finished stem)')
      .option('-f, --format <format>', 'format of the stems inside: wav, mp3, flac or m4a', 'wav')
      .option('-n, --name <name>', 'file name of the archive, without extension', 'stems')
      .option('-o, --out <dir>', 'folder to write the archive to', 'stems'),
  ).action(async (handleText: string, flags: ZipFlags) => {
    const handle = parseHandle(handleText);
    const format = parseFormat(flags.format);
    const requested = flags.stems === undefined ? undefined : parseStems(flags.stems);
    const name = parseFileName(flags.name);
    await requireFolderPath(flags.out, '--out');
    const session = await openSession(context, flags, handle.provider);
    try {
      const job = await follow(session, context, handle);
      const stems =
        requested ??
        job.targets.filter((target) => target.status === 'succeeded').map((target) => target.stem);
      const how = session.stemkit.capabilities.zip ? 'at the provider' : 'locally';
      session.reporter.note(`zipping ${stems.join(', ')} as ${format} ${how}`);
      const asset = await session.stemkit.zip(job, { stems, format, name, signal: context.signal });
      const files = await downloadAll(session, context, [{ asset }], {
        job,
        out: flags.out,
        fileName: () => name,
      });
      printResult(context, {
        text: filesTable(files),
        json: { files, zippedBy: how === 'locally' ? 'local' : 'provider' },
      });
    } finally {
      await session.close();
    }
  });
}

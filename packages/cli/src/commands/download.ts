import { Command } from 'commander';
import { parseFormat, parseSeconds, parseStems } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { downloadAll } from '../files.ts';
import { follow, jobSummary, parseHandle, stemOutputs } from '../follow.ts';
import { filesTable, printResult } from '../output/result.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

interface DownloadFlags extends SessionFlags {
  readonly stems?: string;
  readonly format?: string;
  readonly out: string;
  readonly timeout?: string;
}

/**
 * `stemkit download <handle>`: waits for the job if it is still running, then writes its stems into `--out`.
 * The way to finish a `separate` that was interrupted.
 *
 * @example
 * ```sh
 * stemkit download sk1.eyJjb250cmFjdCI6MS… --stems vocals --format mp3 --out stems
 * ```
 */
export function downloadCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('download')
      .description("write a job's stems to a folder (waiting for it first if needed)")
      .argument('<handle>', 'the sk1.… token `separate` printed')
      .option('-s, --stems <list>', 'only these stems, comma-separated (default: all)')
      .option('-f, --format <format>', 'convert to wav, mp3, flac or m4a (default: as separated)')
      .option('-o, --out <dir>', 'folder to write the stems to', 'stems')
      .option('--timeout <seconds>', 'give up waiting after this long (exit code 5)'),
  ).action(async (handleText: string, flags: DownloadFlags) => {
    const handle = parseHandle(handleText);
    const stems = flags.stems === undefined ? undefined : parseStems(flags.stems);
    const format = flags.format === undefined ? undefined : parseFormat(flags.format);
    const timeoutMs = flags.timeout === undefined ? undefined : parseSeconds('--timeout', flags.timeout);
    const session = await openSession(context, flags, handle.provider);
    try {
      const job = await follow(session, context, handle, timeoutMs === undefined ? {} : { timeoutMs });
      const outputs = stemOutputs(job, stems);
      // With --format, one file per stem: an output already in that format, else one converted by the provider.
      const chosen =
        format === undefined
          ? outputs
          : [...new Map(outputs.map((asset) => [asset.stem, asset])).keys()].map(
              (stem) =>
                outputs.find((asset) => asset.stem === stem && asset.format === format) ??
                outputs.find((asset) => asset.stem === stem)!,
            );
      const files = await downloadAll(session, context, chosen, {
        job,
        out: flags.out,
        ...(format === undefined ? {} : { convertTo: format }),
        fileName: (asset) => asset.stem ?? asset.name,
      });
      printResult(context, {
        text: filesTable(files),
        json: { job: jobSummary(job), files },
        failedTargets: job.targets.filter(
          (target) => target.status !== 'succeeded' && (stems === undefined || stems.includes(target.stem)),
        ),
      });
    } finally {
      await session.close();
    }
  });
}

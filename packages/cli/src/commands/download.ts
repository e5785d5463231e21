import type { Asset, Job } from '@stemkit/core';
import { Command } from 'commander';
import { parseFormat, parseSeconds, parseStems, TEXT_FORMATS } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { downloadAll, outputFileName } from '../files.ts';
import { requireFolderPath } from '../folders.ts';
import { follow, jobOutputs, jobSummary, parseHandle } from '../follow.ts';
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
      .option(
        '-f, --format <format>',
        'convert audio to wav, mp3, flac, m4a or aiff: by the provider, else on this machine (default: as separated)',
      )
      .option('-o, --out <dir>', 'folder to write the stems to', 'stems')
      .option('--timeout <seconds>', 'give up waiting after this long (exit code 5)'),
  ).action(async (handleText: string, flags: DownloadFlags) => {
    const handle = parseHandle(handleText);
    const stems = flags.stems === undefined ? undefined : parseStems(flags.stems);
    const format = flags.format === undefined ? undefined : parseFormat(flags.format);
    const timeoutMs = flags.timeout === undefined ? undefined : parseSeconds('--timeout', flags.timeout);
    await requireFolderPath(flags.out, '--out');
    const session = await openSession(context, flags, handle.provider);
    try {
      const job = await follow(session, context, handle, timeoutMs === undefined ? {} : { timeoutMs });
      if (stems !== undefined) requireJobStems(job, stems);
      const outputs = jobOutputs(job, stems);
      // With --format, one file per audio output: one already in that format, else one converted (by the
      // provider, or on this machine by the local audio plugin). Text outputs come as they are.
      const audio = outputs.filter((asset) => !isText(asset));
      const chosen =
        format === undefined
          ? outputs.map((asset) => ({ asset }))
          : [
              ...[...new Map(audio.map((asset) => [`${asset.stem}/${asset.role}`, asset])).values()].map(
                (first) => {
                  const same = audio.find(
                    (asset) =>
                      asset.stem === first.stem && asset.role === first.role && asset.format === format,
                  );
                  return same ? { asset: same } : { asset: first, convertTo: format };
                },
              ),
              ...outputs.filter(isText).map((asset) => ({ asset })),
            ];
      const files = await downloadAll(session, context, chosen, {
        job,
        out: flags.out,
        fileName: outputFileName,
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

/**
 * `--stems` names only stems the job asked for: a typo or a stem it never had is a usage error naming the ones
 * it has, not an exit 0 that wrote nothing. (A stem that failed at the provider is exit 4, as for the job.)
 */
function requireJobStems(job: Job, stems: readonly string[]): void {
  const has = job.targets.map((target) => target.stem);
  const unknown = stems.filter((stem) => !has.includes(stem));
  if (unknown.length === 0) return;
  const names = unknown.map((stem) => `"${stem}"`).join(', ');
  throw new UsageError(`--stems: job ${job.id} has no ${names} stem (it has ${has.join(', ')})`);
}

function isText(asset: Asset): boolean {
  return (TEXT_FORMATS as readonly string[]).includes(asset.format ?? '');
}

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { handleToToken } from '@stemkit/core';
import { Command } from 'commander';
import {
  type CliFormat,
  DEFAULT_STEMS,
  parseFormat,
  parseSeconds,
  parseSource,
  parseStems,
  parseTrial,
  type SourceArgument,
} from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { downloadAll } from '../files.ts';
import { follow, jobSummary, stemOutputs } from '../follow.ts';
import type { ProgressTask } from '../output/reporter.ts';
import { filesTable, printResult } from '../output/result.ts';
import { formatBytes } from '../output/units.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

interface SeparateFlags extends SessionFlags {
  readonly stems?: string;
  readonly format: string;
  readonly trial?: string;
  readonly out: string;
  readonly timeout?: string;
}

/** The stems to ask for when `--stems` is not given: the four-stem set, as far as the provider offers it. */
function defaultStems(available: readonly string[] | 'any'): string[] {
  if (available === 'any') return [...DEFAULT_STEMS];
  const offered = DEFAULT_STEMS.filter((stem) => available.includes(stem));
  return offered.length > 0 ? offered : available.slice(0, 2);
}

/**
 * `stemkit separate <file|url>`: uploads, starts, waits and downloads each stem as `<stem>.<format>` into `--out`.
 *
 * @example
 * ```sh
 * stemkit separate song.wav --stems vocals,drums --format mp3 --out stems
 * ```
 */
export function separateCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('separate')
      .description('separate a track into stems: upload, start, wait, download')
      .argument('<file|url>', 'an audio file (wav, mp3, flac, m4a) or an http(s) URL')
      .option('-s, --stems <list>', `stems, comma-separated (default: ${DEFAULT_STEMS.join(',')})`)
      .option('-f, --format <format>', 'wav, mp3, flac or m4a', 'wav')
      .option(
        '--trial <start:seconds>',
        'separate only a section, e.g. 30:15 (or :15, the provider picks the start)',
      )
      .option('-o, --out <dir>', 'folder to write the stems to', 'stems')
      .option('--timeout <seconds>', 'give up waiting after this long (exit code 5)'),
  ).action(async (sourceText: string, flags: SeparateFlags) => {
    const format: CliFormat = parseFormat(flags.format);
    const requestedStems = flags.stems === undefined ? undefined : parseStems(flags.stems);
    const trial = flags.trial === undefined ? undefined : parseTrial(flags.trial);
    const timeoutMs = flags.timeout === undefined ? undefined : parseSeconds('--timeout', flags.timeout);
    const source = await parseSource(sourceText);
    const session = await openSession(context, flags);
    try {
      const stems = requestedStems ?? defaultStems(session.stemkit.capabilities.stems);
      const { reporter } = session;
      if (source.kind === 'url') reporter.note(`source: ${source.url.origin}${source.url.pathname}`);
      // The bar appears with the first bytes sent: a request the provider cannot serve is refused before that.
      const size = source.kind === 'file' ? (await stat(source.path)).size : undefined;
      let upload: ProgressTask | undefined;
      const onUploadProgress = (sent: number) => {
        upload ??= reporter.task('upload', size ?? 0, 'bytes', uploadLabel(source, size));
        upload.update(sent);
      };
      const started = await session.stemkit.separate({
        source: source.kind === 'file' ? source.path : source.url,
        stems,
        formats: [format],
        ...(trial === undefined ? {} : { trial }),
        signal: context.signal,
        onUploadProgress,
      });
      upload?.finish('done');
      context.job = started.handle;
      reporter.note(`job ${started.id} started on ${started.provider}: ${stems.join(', ')} as ${format}`);
      for (const warning of started.warnings) reporter.note(`warning: ${warning.message}`);
      const job = await follow(session, context, started, timeoutMs === undefined ? {} : { timeoutMs });
      const files = await downloadAll(
        session,
        context,
        stemOutputs(job).filter((asset) => matches(asset.format, format)),
        {
          job,
          out: flags.out,
          fileName: (asset) => asset.stem ?? asset.name,
        },
      );
      printResult(context, {
        text: filesTable(files),
        json: {
          provider: job.provider,
          emulator: session.emulator !== undefined,
          job: jobSummary(job),
          files,
        },
        failedTargets: job.targets.filter((target) => target.status !== 'succeeded'),
      });
      // Say how to come back to the job (status, download, mix, zip) when it outlives this run.
      if (session.emulator?.kept !== false) reporter.note(`handle: ${handleToToken(job.handle)}`);
    } finally {
      await session.close();
    }
  });
}

function uploadLabel(source: SourceArgument, size: number | undefined): string {
  const name = source.kind === 'file' ? basename(source.path) : basename(source.url.pathname);
  return size === undefined ? name : `${name} (${formatBytes(size)})`;
}

function matches(assetFormat: string | undefined, format: string): boolean {
  return assetFormat === undefined || assetFormat.replace(/^\./, '').toLowerCase() === format;
}

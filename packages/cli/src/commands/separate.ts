import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type CapabilityMatrix, handleToToken, type Job } from '@stemkit/core';
import { Command } from 'commander';
import {
  CLI_FORMATS,
  DEFAULT_STEMS,
  type FormatChoice,
  parseFormats,
  parseSeconds,
  parseSource,
  parseStems,
  parseTrial,
  type SourceArgument,
  TEXT_FORMATS,
  TEXT_MODELS,
} from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { type DownloadItem, downloadAll, outputFileName } from '../files.ts';
import { requireFolderPath } from '../folders.ts';
import { follow, jobOutputs, jobSummary, sourceSummary } from '../follow.ts';
import type { ProgressTask } from '../output/reporter.ts';
import { filesTable, printResult } from '../output/result.ts';
import { formatBytes } from '../output/units.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

interface SeparateFlags extends SessionFlags {
  readonly stems?: string;
  readonly format?: string;
  readonly trial?: string;
  readonly transcript?: string;
  readonly language?: string;
  readonly callbackUrl?: string;
  readonly metadata?: string;
  readonly residual?: boolean;
  readonly variant?: string;
  readonly out: string;
  readonly timeout?: string;
}

/** The stems to ask for when `--stems` is not given: the four-stem set, as far as the provider offers it. */
function defaultStems(available: readonly string[] | 'any'): string[] {
  if (available === 'any') return [...DEFAULT_STEMS];
  const offered = DEFAULT_STEMS.filter((stem) => available.includes(stem));
  return offered.length > 0 ? offered : available.slice(0, 2);
}

/** One stem's request, and the files wanted from it: each format, and the one the provider delivers it from. */
interface PlannedTarget {
  readonly stem: string;
  readonly formats: string[];
  readonly files: ReadonlyArray<{ readonly format: string; readonly from: string }>;
}

/**
 * The targets to ask for: text models get the text formats (default json), stems the audio ones (default wav).
 * An audio format the provider does not deliver is asked as wav and converted on this machine by the local
 * audio plugin; a format the stems cannot use is a usage error, before anything is sent.
 */
function planTargets(
  capabilities: CapabilityMatrix,
  stems: readonly string[],
  choice: FormatChoice | undefined,
): PlannedTarget[] {
  const textModels = stems.filter((stem) => TEXT_MODELS.includes(stem));
  const audioStems = stems.filter((stem) => !TEXT_MODELS.includes(stem));
  if (choice && choice.text.length > 0 && textModels.length === 0) {
    throw new UsageError(
      `--format ${choice.text.join(',')} is for text models (${TEXT_MODELS.join(', ')}), and --stems has none`,
    );
  }
  if (choice && choice.audio.length > 0 && audioStems.length === 0) {
    throw new UsageError(
      `--format ${choice.audio.join(',')} is for audio stems; ${textModels.join(', ')} give ${TEXT_FORMATS.join(', ')}`,
    );
  }
  const native = (format: string) => capabilities.formats.includes(format);
  return stems.map((stem) => {
    if (TEXT_MODELS.includes(stem)) {
      const formats = choice?.text.length ? [...choice.text] : ['json'];
      return { stem, formats, files: formats.map((format) => ({ format, from: format })) };
    }
    const wanted = choice?.audio.length ? choice.audio : ['wav'];
    const files = wanted.map((format) => ({ format, from: native(format) ? format : 'wav' }));
    return { stem, formats: [...new Set(files.map((file) => file.from))], files };
  });
}

/**
 * `stemkit separate <file|url>`: uploads, starts, waits and downloads each output as `<stem>.<format>` into
 * `--out`: stems, residuals, and the text of transcription and alignment models.
 *
 * @example
 * ```sh
 * stemkit separate song.wav --stems vocals,drums --format mp3 --out stems
 * stemkit separate song.wav --provider audioshake --stems alignment --transcript lyrics.txt --format json,srt
 * ```
 */
export function separateCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('separate')
      .description('separate a track into stems (or transcribe, align): upload, start, wait, download')
      .argument('<file|url>', 'an audio file (wav, mp3, flac, m4a) or an http(s) URL')
      .option('-s, --stems <list>', `stems or models, comma-separated (default: ${DEFAULT_STEMS.join(',')})`)
      .option(
        '-f, --format <list>',
        `output formats, comma-separated: ${CLI_FORMATS.join(', ')} for stems (default wav), ${TEXT_FORMATS.join(', ')} for text models (default json)`,
      )
      .option(
        '--trial <start:seconds>',
        'separate only a section, e.g. 30:15 (or :15, the provider picks the start)',
      )
      .option('--transcript <file|url>', 'the lyrics or script to align, for the alignment model')
      .option('--language <code>', 'language of the audio for transcription and alignment, e.g. en')
      .option(
        '--callback-url <url>',
        'where the provider calls back when the job changes (per-job callbacks)',
      )
      .option('--metadata <text>', 'free text the provider stores with the job and echoes back')
      .option(
        '--residual',
        "also write each stem's residual, the track minus the stem, as <stem>_residual.<format>",
      )
      .option('--variant <name>', "the provider's model variant for every stem, e.g. high_quality")
      .option('-o, --out <dir>', 'folder to write the outputs to', 'stems')
      .option('--timeout <seconds>', 'give up waiting after this long (exit code 5)'),
  ).action(async (sourceText: string, flags: SeparateFlags) => {
    const choice = flags.format === undefined ? undefined : parseFormats(flags.format);
    const requestedStems = flags.stems === undefined ? undefined : parseStems(flags.stems);
    const trial = flags.trial === undefined ? undefined : parseTrial(flags.trial);
    const timeoutMs = flags.timeout === undefined ? undefined : parseSeconds('--timeout', flags.timeout);
    if (flags.variant !== undefined && !/^[\w.-]{1,64}$/.test(flags.variant)) {
      throw new UsageError(`--variant must be a variant name such as high_quality (got "${flags.variant}")`);
    }
    const source = await parseSource(sourceText);
    const transcript = flags.transcript === undefined ? undefined : await parseSource(flags.transcript);
    if (transcript && requestedStems && !requestedStems.includes('alignment')) {
      throw new UsageError('--transcript is what the alignment model aligns: add alignment to --stems');
    }
    await requireFolderPath(flags.out, '--out');
    const session = await openSession(context, flags);
    try {
      const stems = requestedStems ?? defaultStems(session.stemkit.capabilities.stems);
      const plan = planTargets(session.stemkit.capabilities, stems, choice);
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
        source: inputOf(source),
        targets: plan.map((target) => ({
          stem: target.stem,
          formats: target.formats,
          // A residual is audio minus a stem: text models (transcription, alignment…) have none.
          ...(flags.residual && !TEXT_MODELS.includes(target.stem) ? { residual: true } : {}),
          ...(flags.variant === undefined ? {} : { variant: flags.variant }),
          ...(target.stem === 'alignment' && transcript ? { transcript: inputOf(transcript) } : {}),
        })),
        ...(trial === undefined ? {} : { trial }),
        ...(flags.language === undefined ? {} : { language: flags.language }),
        ...(flags.callbackUrl === undefined ? {} : { callbackUrl: flags.callbackUrl }),
        ...(flags.metadata === undefined ? {} : { metadata: flags.metadata }),
        signal: context.signal,
        onUploadProgress,
      });
      upload?.finish('done');
      context.job = started.handle;
      const asked = [...new Set(plan.flatMap((target) => target.files.map((file) => file.format)))];
      reporter.note(
        `job ${started.id} started on ${started.provider}: ${stems.join(', ')} as ${asked.join(', ')}`,
      );
      const converted = plan.flatMap((target) => target.files.filter((file) => file.from !== file.format));
      if (converted.length > 0) {
        const formats = [...new Set(converted.map((file) => file.format))].join(', ');
        reporter.note(`${started.provider} has no ${formats}: converting its wav on this machine`);
      }
      for (const warning of started.warnings) reporter.note(`warning: ${warning.message}`);
      const job = await follow(session, context, started, timeoutMs === undefined ? {} : { timeoutMs });
      const files = await downloadAll(session, context, wantedFiles(job, plan), {
        job,
        out: flags.out,
        fileName: outputFileName,
      });
      printResult(context, {
        text: filesTable(files),
        json: {
          provider: job.provider,
          emulator: session.emulator !== undefined,
          job: jobSummary(job),
          // What the provider measured of the track (duration, channels, sample rate), where it says.
          ...(sourceOf(job, started) === undefined ? {} : { source: sourceOf(job, started) }),
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

/** Each wanted file of each finished output: the output in its own format, or one to convert. */
function wantedFiles(job: Job, plan: readonly PlannedTarget[]): DownloadItem[] {
  return jobOutputs(job).flatMap((asset) => {
    const files = plan.find((target) => target.stem === asset.stem)?.files ?? [];
    return files
      .filter((file) => file.from === asset.format)
      .map((file) => (file.format === file.from ? { asset } : { asset, convertTo: file.format }));
  });
}

/** The source's metadata: from the finished job, else from the started one (a driver may say it only once). */
function sourceOf(job: Job, started: Job) {
  const summary = sourceSummary(job.source) ?? {};
  const earlier = sourceSummary(started.source) ?? {};
  const merged = { ...earlier, ...summary };
  return Object.keys(merged).length === 0 ? undefined : merged;
}

function inputOf(source: SourceArgument): string | URL {
  return source.kind === 'file' ? source.path : source.url;
}

function uploadLabel(source: SourceArgument, size: number | undefined): string {
  const name = source.kind === 'file' ? basename(source.path) : basename(source.url.pathname);
  return size === undefined ? name : `${name} (${formatBytes(size)})`;
}

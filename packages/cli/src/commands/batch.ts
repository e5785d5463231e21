import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type {
  BatchCounts,
  BatchEvent,
  BatchItem,
  BatchQueue,
  IntakeProgress,
  SkippedEntry,
  TrackResult,
} from '@stemkit/batch';
import { isAbortError } from '@stemkit/core';
import type { NodeStemkit } from '@stemkit/core/node';
import { PROVIDERS } from '@stemkit/providers';
import { Command } from 'commander';
import { DEFAULT_STEMS, parseFormat, parseStems } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { type DriverName, type ProviderTarget, providerEntry, resolveProvider } from '../credentials.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { printable, printableName } from '../output/printable.ts';
import type { ProgressTask, Reporter } from '../output/reporter.ts';
import { formatDuration } from '../output/units.ts';
import { connect } from '../providers.ts';
import { type SessionFlags, startOutput, withSessionFlags } from '../session.ts';
import { type CallbackFlags, checkCallbackFlags, startReceiver } from './receiver.ts';

interface QueueFlags extends SessionFlags, CallbackFlags {
  readonly queue?: string;
  readonly concurrency: string;
  readonly rateLimit?: string;
  readonly sources?: string;
}

interface BatchFlags extends QueueFlags {
  readonly stems?: string;
  readonly format: string;
  readonly out: string;
  readonly watch?: boolean;
  readonly batch?: string;
  readonly report?: string;
  readonly residual?: boolean;
  readonly variant?: string;
  readonly adoptExisting?: boolean;
  readonly redoExisting?: boolean;
}

/**
 * Requests per second to a provider's API when `--rate-limit` is not given, by provider choice: each entry's
 * `rateLimit` in `@stemkit/providers` (below AudioShake's documented 60, shared by the account's two APIs, and
 * a cautious 10 for Sourcere, which documents none).
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<DriverName, number>> = Object.fromEntries(
  PROVIDERS.map((entry) => [entry.name, entry.rateLimit]),
);

function withQueueFlags(command: Command, concurrency: string): Command {
  return withSessionFlags(
    command
      .option('-c, --concurrency <n>', 'tracks this process works on at once', concurrency)
      .option(
        '--rate-limit <n>',
        `requests per second to the provider's API, shared by every worker on the queue (default: ${Object.entries(
          DEFAULT_RATE_LIMITS,
        )
          .map(([name, limit]) => `${name} ${limit}`)
          .join(', ')})`,
      )
      .option(
        '--listen <[host:]port>',
        "receive the provider's callbacks on this port (host 127.0.0.1 unless given): they wake the tracks, which then cost about one status request each",
      )
      .option(
        '--callback-url <url>',
        'the address jobs call back, for providers that take one per job (default: the --listen address)',
      )
      .option(
        '--sources <dir>',
        'read local source files only inside this folder (symbolic links resolved); a worker on a queue reads none without it',
      ),
  );
}

/**
 * `stemkit batch <folder|manifest>`: separates every track into `<out>/<name>/<stem>.<format>` with a durable
 * ledger (run it again to resume), a progress display, a JSONL and CSV report, and — with `--queue` — workers
 * on other machines.
 *
 * @example
 * ```sh
 * stemkit batch catalogue.csv --stems vocals,instrumental --out stems --concurrency 16
 * ```
 */
export function batchCommand(context: CliContext): Command {
  return withQueueFlags(
    new Command('batch')
      .description('separate many tracks: a folder, or a .jsonl / .csv manifest; run it again to resume')
      .argument('<input>', 'a folder of audio files, a manifest.jsonl or a manifest.csv')
      .option(
        '-s, --stems <list>',
        `stems of tracks whose manifest line names none (default: ${DEFAULT_STEMS.join(',')})`,
      )
      .option(
        '-f, --format <list>',
        'formats, comma-separated: wav, mp3, flac, m4a, aiff (one the provider lacks is converted from its wav here)',
        'wav',
      )
      .option('--residual', "also write each stem's residual (the track minus the stem) as <stem>_residual")
      .option('--variant <name>', "the provider's model variant for every track, e.g. high_quality")
      .option('-o, --out <dir>', 'output folder: <out>/<track>/<stem>.<format>', 'stems')
      .option('--watch', 'keep running and separate audio files as they land in the folder')
      .option('--queue <url>', 'a postgres:// URL: queue there, for `stemkit worker` on any machine')
      .option('--batch <id>', 'the batch id in the ledger (default: derived from --out)')
      .option('--report <path>', 'report path without extension (default: <out>/batch-report)')
      .option(
        '--adopt-existing',
        'take tracks whose every output file is already in --out (a deleted ledger) as done, without a provider job',
      )
      .option(
        '--redo-existing',
        'separate tracks whose output files are already in --out (a deleted ledger) again: a billed job each',
      ),
    '4',
  )
    .addHelpText(
      'after',
      `
Manifest lines (JSONL): {"source": "song.wav", "stems": ["vocals"], "formats": ["mp3"], "name": "album/song"}
Manifest columns (CSV, header row): source,stems,formats,name  (lists separated by commas, ; or spaces)
The ledger lives in <out>/.stemkit-batch (or in the --queue database): run the same command again to resume.`,
    )
    .action(async (input: string, flags: BatchFlags) => {
      const stems = flags.stems === undefined ? undefined : parseStems(flags.stems);
      const formats = [...new Set(flags.format.split(',').map((format) => parseFormat(format)))];
      const concurrency = parseCount('--concurrency', flags.concurrency, 0);
      checkCallbackFlags(flags);
      if (flags.listen !== undefined && concurrency === 0) {
        throw new UsageError(
          '--listen needs --concurrency 1 or more: callbacks wake the tracks this process works',
        );
      }
      const started = Date.now();
      const batch = await import('@stemkit/batch');
      const out = resolve(flags.out);
      if (flags.adoptExisting && flags.redoExisting) {
        throw new UsageError('--adopt-existing and --redo-existing exclude each other: pick one');
      }
      const sources = await sourcesFolder(flags.sources);
      // Output first: intake reports its progress (a million rows take a while to check).
      const reporter = startOutput(context, flags);
      const intake = intakeProgress(context, reporter);
      // Entries of the folder left out: each link or special file named once (once the input is read), all of
      // them counted in the summary.
      const skipped = skippedEntries();
      let items: BatchItem[] | AsyncIterable<BatchItem>;
      if (flags.watch) {
        if (!(await stat(input).catch(() => undefined))?.isDirectory()) {
          throw new UsageError('--watch needs a folder to watch');
        }
        items = batch.watchFolder(input, { signal: context.signal, onSkip: skipped.add });
      } else {
        items = await batch
          .readBatchInput(input, {
            onProgress: intake.progress,
            onSkip: skipped.add,
            reserved: reservedReport(out, flags.report),
          })
          .catch((error: unknown) => {
            if (!batch.ManifestError.isInstance(error) && !isInputError(error)) throw error;
            const issues = (error as { issues?: Array<{ field: string; message: string }> }).issues ?? [];
            const lines = issues.map((issue) => `  ${issue.field}: ${issue.message}`);
            throw new UsageError(
              lines.length > 1 || batch.ManifestError.isInstance(error)
                ? `${input} is not a valid batch input, nothing was queued:\n${lines.join('\n')}`
                : (error as Error).message,
            );
          });
      }
      if (
        flags.queue !== undefined &&
        concurrency > 0 &&
        sources === undefined &&
        !flags.watch &&
        (await hasLocalSource(items))
      ) {
        // Its workers take tracks of every batch on the queue, written by anyone: local files need a root.
        throw new UsageError(
          '--queue with --concurrency 1 or more reads local files only inside --sources: pass --sources <folder holding the sources> (or --concurrency 0 to only queue)',
        );
      }
      skipped.tell(reporter);
      const target = resolveProvider(flags, context.environment);
      if (flags.queue !== undefined && target.kind === 'embedded') {
        throw new UsageError(
          '--queue needs a provider every worker can reach: set its credentials (see --help)',
        );
      }
      // Counted, not held: the report is written from the ledger, streaming.
      const tally = { done: 0, failed: 0, adopted: 0 };
      const failures: TrackResult[] = [];
      let interrupted = false;
      let report: { jsonl: string; csv: string } | undefined;
      const queue = await openQueue(batch, flags, join(out, '.stemkit-batch'), reporter);
      try {
        const stemkit = await connectLimited(context, reporter, target, queue, flags);
        const receiver = await startReceiver(stemkit.stemkit, flags, reporter).catch(
          async (error: unknown) => {
            await stemkit.close();
            throw error;
          },
        );
        try {
          const progress = batchProgress(context, reporter, { watching: flags.watch === true });
          try {
            for await (const result of batch.runBatch(stemkit.stemkit, items, {
              out,
              queue,
              concurrency,
              stems: stems ?? defaultStems(stemkit.stemkit.capabilities.stems),
              formats,
              ...(flags.residual ? { residual: true } : {}),
              ...(flags.variant === undefined ? {} : { variant: flags.variant }),
              existingOutputs: flags.adoptExisting ? 'adopt' : flags.redoExisting ? 'redo' : 'refuse',
              signal: context.signal,
              onEvent: progress.event,
              onIntake: intake.progress,
              ...(sources === undefined ? {} : { sources }),
              ...(receiver ? { callbacks: receiver.callbacks } : {}),
              ...(flags.batch === undefined ? {} : { id: flags.batch }),
            })) {
              tally[result.status] += 1;
              if (result.status === 'done' && result.jobId === null && result.outputs.length > 0)
                tally.adopted += 1;
              if (result.status === 'failed' && failures.length < MAX_FAILURES_SHOWN) failures.push(result);
            }
          } catch (error) {
            if (batch.ExistingOutputsError.isInstance(error)) throw existingOutputsUsage(error, out);
            // Watching ends with Ctrl-C: the report covers what was done by then, and the exit code says so.
            if (!(flags.watch && isAbortError(error))) throw error;
            interrupted = true;
          }
          progress.finish();
          intake.finish();
          // The bars stop before the summary, which goes to stdout below them.
          reporter.close();
          report = await batch.writeBatchReport(
            batch.batchResults(queue, { out, ...(flags.batch === undefined ? {} : { id: flags.batch }) }),
            flags.report ?? join(out, 'batch-report'),
          );
        } finally {
          await receiver?.close();
          await stemkit.close();
        }
      } finally {
        reporter.close();
        await queue.close();
      }
      // Printed once everything is closed: a failure while closing is the run's one result instead of a second.
      const { adopted } = tally;
      const summary = {
        ok: tally.failed === 0 && !interrupted,
        ...(interrupted ? { interrupted: true } : {}),
        tracks: tally.done + tally.failed,
        done: tally.done,
        failed: tally.failed,
        ...(adopted > 0 ? { adopted } : {}),
        skipped: skipped.summary(),
        seconds: Math.round((Date.now() - started) / 100) / 10,
        report,
      };
      if (context.mode === 'json')
        context.stdout.write(`${JSON.stringify({ event: 'summary', ...summary })}\n`);
      else {
        for (const each of failures) {
          context.stderr.write(`${printable(`failed: ${printableName(each.name)}: ${each.error}`)}\n`);
        }
        if (tally.failed > failures.length) {
          context.stderr.write(`… and ${tally.failed - failures.length} more failed: see the report\n`);
        }
        const extra = [
          adopted > 0 ? `${adopted} adopted from files in place` : '',
          summary.skipped.count > 0 ? `${summary.skipped.count} folder entries skipped` : '',
        ].filter(Boolean);
        context.stdout.write(
          `${summary.tracks} tracks: ${summary.done} done, ${summary.failed} failed${extra.length ? ` (${extra.join(', ')})` : ''} in ${formatDuration(summary.seconds)}${interrupted ? ', interrupted' : ''}\n` +
            `report: ${printable(report?.csv ?? '')}\n        ${printable(report?.jsonl ?? '')}\n`,
        );
      }
      if (tally.failed > 0) context.exitCode = ExitCode.jobFailed;
      // Ctrl-C ends a watch as documented: 130, after the report.
      if (interrupted) context.exitCode = ExitCode.interrupted;
    });
}

/** What the folder scan left out, told once a reporter exists, and counted. */
function skippedEntries() {
  const entries: SkippedEntry[] = [];
  let reporter: Reporter | undefined;
  const tell = (entry: SkippedEntry) => {
    if (entry.named) {
      reporter?.note(
        `skipped ${printableName(entry.path)}: a ${entry.reason === 'symbolic link' ? 'symbolic link (links are not followed)' : 'special file (not a regular file)'}`,
      );
    }
  };
  return {
    add: (entry: SkippedEntry) => {
      entries.push(entry);
      tell(entry);
    },
    tell(to: Reporter) {
      reporter = to;
      for (const entry of entries) tell(entry);
      const counts = countBy(entries);
      if (entries.length > 0) {
        to.note(
          `skipped ${entries.length} folder entr${entries.length === 1 ? 'y' : 'ies'}: ${Object.entries(
            counts,
          )
            .map(([reason, count]) => `${count} ${reason}`)
            .join(', ')}`,
        );
      }
    },
    summary: () => ({
      count: entries.length,
      byReason: countBy(entries),
      named: entries.filter((entry) => entry.named).map(({ path, reason }) => ({ path, reason })),
    }),
  };
}

function countBy(entries: readonly SkippedEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) counts[entry.reason] = (counts[entry.reason] ?? 0) + 1;
  return counts;
}

/** Whether any item reads a local file (stops at the first: a manifest of URLs is read through once). */
async function hasLocalSource(items: Iterable<BatchItem> | AsyncIterable<BatchItem>): Promise<boolean> {
  for await (const item of items) {
    if (!/^https?:\/\//i.test(item.source)) return true;
  }
  return false;
}

/** The library's refusal of outputs already in place, in the CLI's terms: what to pass. */
function existingOutputsUsage(
  error: { count: number; complete: number; tracks: readonly string[] },
  out: string,
): UsageError {
  const names = error.tracks.map((name) => `"${printableName(name)}"`).join(', ');
  return new UsageError(
    `${out} already holds output files of ${error.count} track${error.count === 1 ? '' : 's'} its ledger does not know (${names}${error.count > error.tracks.length ? ', …' : ''}): was ${join(out, '.stemkit-batch')} deleted? Nothing was started. Pass --adopt-existing to take the ${error.complete} with every file as done (the others are separated again), or --redo-existing to separate them all again (a new, billed provider job each).`,
  );
}

/**
 * `stemkit worker --queue postgres://…`: works the tracks queued by `stemkit batch --queue` for its provider,
 * until Ctrl-C (or SIGTERM). Run it on as many machines as you like.
 *
 * @example
 * ```sh
 * AUDIOSHAKE_API_KEY=… stemkit worker --queue postgres://stemkit@db/stemkit --concurrency 16
 * ```
 */
export function workerCommand(context: CliContext): Command {
  return withQueueFlags(
    new Command('worker')
      .description(
        'work tracks queued by `stemkit batch --queue` until Ctrl-C; run it on any number of machines',
      )
      .requiredOption('--queue <url>', 'the postgres:// URL the batch was queued to'),
    '4',
  ).action(async (flags: QueueFlags) => {
    const concurrency = parseCount('--concurrency', flags.concurrency, 1);
    checkCallbackFlags(flags);
    const sources = await sourcesFolder(flags.sources);
    const batch = await import('@stemkit/batch');
    const reporter = startOutput(context, flags);
    const target = resolveProvider(flags, context.environment);
    if (target.kind === 'embedded') {
      throw new UsageError(
        'a worker needs the provider the batch was queued for: set its credentials (see --help)',
      );
    }
    const queue = await openQueue(batch, flags, '', reporter);
    try {
      const stemkit = await connectLimited(context, reporter, target, queue, flags);
      const receiver = await startReceiver(stemkit.stemkit, flags, reporter).catch(async (error: unknown) => {
        await stemkit.close();
        throw error;
      });
      try {
        reporter.note(
          `worker: ${stemkit.stemkit.provider}, ${concurrency} at once, ${sources === undefined ? 'URL sources only (no --sources)' : `local sources under ${sources}`}; Ctrl-C stops it`,
        );
        await batch.runWorker(stemkit.stemkit, {
          queue,
          concurrency,
          ...(sources === undefined ? {} : { sources }),
          signal: context.signal,
          ...(receiver ? { callbacks: receiver.callbacks } : {}),
          onResult: (result) => {
            if (context.mode === 'json')
              context.stdout.write(`${JSON.stringify({ event: 'track', ...result })}\n`);
            else
              reporter.note(
                `${result.status}: ${printableName(result.name)}${result.error ? ` (${result.error})` : ''}`,
              );
          },
        });
        reporter.note('worker stopped');
      } finally {
        await receiver?.close();
        await stemkit.close();
      }
    } finally {
      reporter.close();
      await queue.close();
    }
  });
}

/** Failed tracks listed on stderr at the end; the report lists them all. */
const MAX_FAILURES_SHOWN = 100;

/** The report's files, relative to `out` when they are inside it: no track may take their names. */
function reservedReport(out: string, report: string | undefined): string[] {
  if (report === undefined) return [];
  const inside = relative(out, resolve(report)).split(sep).join('/');
  if (inside === '' || inside.startsWith('../') || inside === '..' || isAbsolute(inside)) return [];
  return [`${inside}.jsonl`, `${inside}.csv`];
}

/**
 * Intake as one progress line ("checked 640,000 rows", then "queued 40,000 of 100,000") on a terminal, and
 * as `{"event": "intake", "phase", "rows", "total"}` lines with `--json`.
 */
function intakeProgress(context: CliContext, reporter: Reporter) {
  let task: ProgressTask | undefined;
  let last: IntakeProgress | undefined;
  let shownAt = 0;
  const detail = (progress: IntakeProgress) =>
    progress.phase === 'checking'
      ? `checked ${progress.rows.toLocaleString('en-US')} rows`
      : `queued ${progress.rows.toLocaleString('en-US')}${progress.total === undefined ? '' : ` of ${progress.total.toLocaleString('en-US')}`}`;
  return {
    progress(progress: IntakeProgress) {
      last = progress;
      if (context.mode === 'json') {
        context.stdout.write(`${JSON.stringify({ event: 'intake', ...progress })}\n`);
        return;
      }
      const every = context.mode === 'interactive' ? 100 : 5_000;
      if (Date.now() - shownAt < every) return;
      shownAt = Date.now();
      task ??= reporter.task('intake', 1, 'fraction');
      const fraction = progress.total ? progress.rows / progress.total : 0;
      task.update(progress.phase === 'checking' ? 0 : fraction, detail(progress));
    },
    finish() {
      if (context.mode === 'json' || !last || !task) return;
      task.finish(detail(last));
    },
  };
}

function parseCount(flag: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < minimum || value > 1_000) {
    throw new UsageError(`${flag} must be a whole number from ${minimum} to 1000 (got "${text}")`);
  }
  return value;
}

/** `--sources`: an existing folder, absolute. */
async function sourcesFolder(flag: string | undefined): Promise<string | undefined> {
  if (flag === undefined) return undefined;
  if (!(await stat(flag).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`--sources must name an existing folder (got "${flag}")`);
  }
  return resolve(flag);
}

function isInputError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: string }).code === 'invalid-argument'
  );
}

async function openQueue(
  batch: typeof import('@stemkit/batch'),
  flags: QueueFlags,
  directory: string,
  reporter: Reporter,
): Promise<BatchQueue> {
  const logger = {
    debug: (message: string) => reporter.debug(message),
    info: (message: string) => reporter.debug(message),
    warn: (message: string) => reporter.debug(message),
  };
  return batch.openBatchQueue(
    flags.queue === undefined ? { directory, logger } : { url: flags.queue, logger },
  );
}

/** Connects with a fetch that keeps to the provider account's rate limit, shared through the queue. */
async function connectLimited(
  context: CliContext,
  reporter: Reporter,
  target: ProviderTarget,
  queue: BatchQueue,
  flags: QueueFlags,
): Promise<{ stemkit: NodeStemkit; close: () => Promise<void> }> {
  const driver = target.kind === 'remote' ? target.provider.driver : target.driver;
  const requestsPerSecond =
    flags.rateLimit === undefined ? providerEntry(driver).rateLimit : Number(flags.rateLimit);
  if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
    throw new UsageError(
      `--rate-limit must be a positive number of requests per second (got "${flags.rateLimit}")`,
    );
  }
  // The account, never its credential: a hash of it names the shared budget.
  const account =
    target.kind === 'remote'
      ? createHash('sha256').update(JSON.stringify(target.provider)).digest('hex').slice(0, 16)
      : 'embedded';
  const connection = await connect(target, {
    reporter,
    environment: context.environment,
    fetch: (apiBaseUrl) =>
      queue.rateLimitedFetch({ requestsPerSecond, key: `${driver}:${account}`, origins: [apiBaseUrl] }),
  });
  context.emulator = connection.emulator;
  return connection;
}

function defaultStems(available: readonly string[] | 'any'): string[] {
  if (available === 'any') return [...DEFAULT_STEMS];
  const offered = DEFAULT_STEMS.filter((stem) => available.includes(stem));
  return offered.length > 0 ? offered : available.slice(0, 2);
}

/** How much of the batch is finished, 0–1, rounded to a thousandth. */
function fractionOf(counts: BatchCounts): number {
  return counts.total > 0 ? Math.round(((counts.done + counts.failed) / counts.total) * 1000) / 1000 : 0;
}

/**
 * The whole batch as one progress line: a bar on a terminal (done/failed/running/queued, throughput, ETA),
 * a line every few seconds in a log, one JSON line per event with `--json`. The throughput counts only tracks
 * this run finished (a resumed batch's earlier ones came out at once); a watch, whose total keeps growing, shows
 * no ETA.
 */
function batchProgress(context: CliContext, reporter: Reporter, options: { readonly watching: boolean }) {
  const started = Date.now();
  let task: ProgressTask | undefined;
  let last: BatchCounts | undefined;
  let shownAt = 0;
  // This run tells every move of its own tracks, running first; a track first told finished is an earlier run's,
  // and so is every finished track the counts hold that this run has not finished itself.
  const mine = new Set<string>();
  const seen = new Set<string>();
  let finishedHere = 0;
  const detail = (counts: BatchCounts) => {
    const finished = counts.done + counts.failed;
    const now = finishedHere;
    const earlier = Math.max(0, finished - finishedHere);
    const minutes = (Date.now() - started) / 60_000;
    const perMinute = minutes > 0 && now > 0 ? now / minutes : undefined;
    const parts = [
      `${counts.done} done${earlier > 0 ? ` (${earlier} by an earlier run)` : ''}`,
      `${counts.failed} failed`,
      `${counts.running} running`,
      `${counts.queued} queued`,
    ];
    if (perMinute !== undefined) parts.push(`${perMinute.toFixed(1)}/min`);
    if (!options.watching && finished < counts.total) {
      parts.push(
        `ETA ${perMinute === undefined ? '…' : formatDuration(((counts.total - finished) / perMinute) * 60)}`,
      );
    }
    return parts.join(' · ');
  };
  const show = (force: boolean) => {
    if (!last) return;
    const every = context.mode === 'interactive' ? 100 : 5_000;
    if (!force && Date.now() - shownAt < every) return;
    shownAt = Date.now();
    task ??= reporter.task('batch', 1, 'fraction');
    task.update(fractionOf(last), detail(last));
  };
  return {
    event(event: BatchEvent) {
      last = event.counts;
      const terminal = event.state === 'done' || event.state === 'failed';
      if (!seen.has(event.key)) {
        seen.add(event.key);
        if (!terminal) mine.add(event.key);
      }
      if (terminal && mine.delete(event.key)) finishedHere += 1;
      if (context.mode === 'json') {
        context.stdout.write(
          `${JSON.stringify({ event: 'track', key: event.key, state: event.state, jobId: event.jobId, error: event.error, counts: event.counts, fraction: fractionOf(event.counts) })}\n`,
        );
        return;
      }
      show(false);
    },
    finish() {
      if (context.mode === 'json' || !last) return;
      task ??= reporter.task('batch', 1, 'fraction');
      task.finish(detail(last));
    },
  };
}

import { type Asset, handleToToken, isTerminal, type Job, type JobHandle, readHandle } from '@stemkit/core';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';
import type { Session } from './session.ts';

/**
 * Reads a `<handle>` argument: the `sk1.…` token `separate` prints, or the handle's JSON.
 *
 * @example
 * ```ts
 * const handle = parseHandle('sk1.eyJjb250cmFjdCI6MS…');
 * ```
 */
export function parseHandle(text: string) {
  const handle = readHandle(text.trim());
  if (handle === undefined) {
    throw new UsageError(
      '<handle> must be the sk1.… token that `stemkit separate` printed, or the handle as JSON',
    );
  }
  return handle;
}

/** How far a job is, 0–1: the provider's fraction when it gives one, else the share of finished targets. */
export function progressOf(job: Job): number {
  if (job.progress?.fraction !== undefined) return job.progress.fraction;
  if (job.targets.length === 0) return 0;
  const finished = job.targets.filter((target) => target.status !== 'queued' && target.status !== 'running');
  return finished.length / job.targets.length;
}

/**
 * Waits for a job, drawing its processing stage as it goes. The context remembers the job, so an interrupt or
 * a timeout can print how to resume.
 */
export async function follow(
  session: Session,
  context: CliContext,
  job: Job | JobHandle,
  options: { readonly timeoutMs?: number } = {},
): Promise<Job> {
  const handle = 'handle' in job ? job.handle : job;
  context.job = handle;
  session.reporter.debug(`job handle: ${handleToToken(handle)}`);
  const started = Date.now();
  const task = session.reporter.task('processing', 1, 'fraction', 'waiting for the provider');
  const finished = await session.stemkit.wait(job, {
    signal: context.signal,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    // A finished job is said once, by `finish`: a stage that is only the status would repeat it.
    onProgress: (current) =>
      task.update(
        progressOf(current),
        isTerminal(current.status) ? undefined : (current.progress?.stage ?? current.status),
      ),
  });
  task.finish(`${finished.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return finished;
}

/**
 * The outputs of a job's succeeded targets — stems, residuals, transcripts, alignments — optionally only some
 * stems'.
 */
export function jobOutputs(job: Job, stems?: readonly string[]): Asset[] {
  return job.targets
    .filter((target) => target.status === 'succeeded' && (stems === undefined || stems.includes(target.stem)))
    .flatMap((target) => target.outputs.map((output) => ({ ...output, stem: output.stem ?? target.stem })))
    .filter((output) => output.role !== 'source' && output.role !== 'preview');
}

/**
 * The source of a job as `--json` prints it: its name and format, and the duration, channels and sample rate the
 * provider measured, when it gives them.
 */
export function sourceSummary(source: Asset | undefined) {
  if (source === undefined) return undefined;
  const { name, format, sizeBytes, durationSeconds, channels, sampleRate } = source;
  return Object.fromEntries(
    Object.entries({ name, format, sizeBytes, durationSeconds, channels, sampleRate }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}

/**
 * A job as `--json` prints it: everything a script needs, and the token to resume with.
 *
 * @example
 * ```ts
 * JSON.stringify(jobSummary(job));
 * ```
 */
export function jobSummary(job: Job) {
  return {
    id: job.id,
    provider: job.provider,
    status: job.status,
    handle: handleToToken(job.handle),
    stage: job.progress?.stage,
    targets: job.targets.map((target) => ({
      stem: target.stem,
      ...(target.options?.variant === undefined ? {} : { variant: target.options.variant }),
      ...(target.options?.residual === undefined ? {} : { residual: target.options.residual }),
      status: target.status,
      formats: target.formats,
      error: target.error?.message,
      outputs: target.outputs.map((output) => ({
        name: output.name,
        format: output.format,
        sizeBytes: output.sizeBytes,
        durationSeconds: output.durationSeconds,
      })),
    })),
    warnings: job.warnings,
  };
}

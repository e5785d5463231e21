import type { SourceReference, StartRequest, TargetRequest } from '../driver/contract.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { Job, Warning } from '../model/job.ts';
import { deriveJobStatus } from '../model/status.ts';
import { parseArgument } from '../validation.ts';
import { checkStartRequest, requireCapability } from './capabilities.ts';
import type { ClientContext } from './context.ts';
import { withFraction } from './neutral.ts';
import { SeparateOptionsSchema } from './schemas.ts';
import { type ResolvedSource, requireAudio, resolveSource } from './source.ts';
import type { SeparateOptions } from './types.ts';
import { openUpload, uploadSource } from './upload.ts';

/**
 * Validates the request, checks it against the driver's capabilities and its `validate` (nothing is sent when it
 * does not fit), uploads the source when needed and starts the job. Does not wait.
 */
export async function separate(context: ClientContext, input: SeparateOptions): Promise<Job> {
  const options = parseArgument(SeparateOptionsSchema, input, '');
  const targets = targetsOf(options);
  const request = {
    targets,
    trial: options.trial,
    callbackUrl: options.callbackUrl,
    metadata: options.metadata,
    priority: options.priority,
    providerOptions: options.providerOptions,
    idempotencyKey: options.idempotencyKey,
  };
  checkStartRequest(context, request);
  if (options.idempotencyKey !== undefined) {
    requireCapability(context, 'idempotentStart', context.capabilities.idempotentStart);
  }
  // A transcript is only for aligning: a driver without alignment takes none, on any target.
  if (options.targets?.some((target) => target.transcript !== undefined)) {
    requireCapability(context, 'alignment', context.capabilities.alignment);
  }
  // The provider's own rules, before any byte is uploaded.
  context.driver.validate?.(request);
  // Resolve every input before sending anything, so a bad transcript fails as early as a bad source.
  // Bad audio costs no upload and fails the same way on every driver (a transcript is text: not sniffed).
  const resolved = await requireAudio(
    context,
    await resolveSource(context, input.source, options.name),
    options.signal,
  );
  const transcripts = await resolveTranscripts(context, input);
  const source = await reference(context, resolved, {
    signal: options.signal,
    onProgress: options.onUploadProgress,
  });
  // One upload per distinct transcript, however many targets share it.
  const sent = new Map<ResolvedSource, Promise<SourceReference>>();
  const withTranscripts = await Promise.all(
    targets.map(async (target, index) => {
      const transcript = transcripts[index];
      if (!transcript) return target;
      if (!sent.has(transcript)) {
        sent.set(transcript, reference(context, transcript, { signal: options.signal, inspect: false }));
      }
      return { ...target, transcript: await sent.get(transcript) };
    }),
  );
  const start: StartRequest = { ...request, targets: withTranscripts, source };
  const { driver, logger } = context;
  logger.debug('start', { provider: driver.provider, targets: targets.map((target) => target.stem) });
  const result = await driver.start(start, { signal: options.signal, localStore: context.localStore });
  const job = result.job ?? withFraction(placeholderJob(context, start, result.handle));
  const warnings = uniqueWarnings([...job.warnings, ...(result.warnings ?? [])]);
  for (const warning of warnings)
    logger.warn(warning.message, { provider: driver.provider, code: warning.code });
  const started = { ...job, warnings };
  context.owners.remember(started);
  return started;
}

/** A resolved source as the driver takes it: a URL when it can fetch one itself, else an uploaded asset. */
async function reference(
  context: ClientContext,
  resolved: ResolvedSource,
  options: Parameters<typeof uploadSource>[2],
): Promise<SourceReference> {
  if (resolved.kind === 'url' && context.capabilities.urlInput) return { url: resolved.url };
  // One request carries the audio in and starts the work: the stream goes to `start`, no upload step.
  if (context.capabilities.uploads === 'inline' && resolved.kind !== 'asset') {
    const { request, body } = await openUpload(context, resolved, options);
    return { upload: { ...request, body } };
  }
  return { asset: await uploadSource(context, resolved, options) };
}

/**
 * The transcript of each target (from `stems`, then `targets`), resolved once per distinct input. A target's
 * own transcript wins; the shared one goes to `alignment` targets only.
 */
async function resolveTranscripts(
  context: ClientContext,
  input: SeparateOptions,
): Promise<Array<ResolvedSource | undefined>> {
  const shared = (stem: string) => (stem === 'alignment' ? input.transcript : undefined);
  const wanted = [
    ...(input.stems ?? []).map((stem) => ({ value: shared(stem), field: 'transcript' })),
    ...(input.targets ?? []).map((target, index) => ({
      value: target.transcript ?? shared(target.stem),
      field: target.transcript === undefined ? 'transcript' : `targets.${index}.transcript`,
    })),
  ];
  const resolved = new Map<unknown, Promise<ResolvedSource>>();
  return Promise.all(
    wanted.map(({ value, field }) => {
      if (value === undefined) return undefined;
      if (!resolved.has(value)) resolved.set(value, resolveSource(context, value, undefined, field));
      return resolved.get(value);
    }),
  );
}

function targetsOf(options: ReturnType<typeof SeparateOptionsSchema.parse>): TargetRequest[] {
  const shared = {
    formats: options.formats ?? ['wav'],
    residual: options.residual,
    variant: options.variant,
    language: options.language,
  };
  const targets: TargetRequest[] = [
    ...(options.stems ?? []).map((stem) => ({ stem, ...shared })),
    ...(options.targets ?? []).map((target) => ({
      stem: target.stem,
      formats: target.formats ?? shared.formats,
      residual: target.residual ?? shared.residual,
      variant: target.variant ?? shared.variant,
      language: target.language ?? shared.language,
    })),
  ];
  if (targets.length === 0) throw new InvalidArgumentError('stems', 'give at least one stem or target');
  const seen = new Set<string>();
  for (const [index, target] of targets.entries()) {
    const key = `${target.stem}/${target.variant ?? ''}`;
    if (seen.has(key)) {
      const field = index < (options.stems?.length ?? 0) ? `stems.${index}` : 'targets';
      throw new InvalidArgumentError(field, `asks for "${target.stem}" twice`);
    }
    seen.add(key);
  }
  return targets;
}

/** The job as requested, for drivers whose start call does not describe it: every target queued. */
function placeholderJob(context: ClientContext, start: StartRequest, handle: Job['handle']): Job {
  const provider = context.driver.provider;
  const targets = start.targets.map((target, index) => ({
    id: `${handle.id}:${index}`,
    stem: target.stem,
    formats: [...target.formats],
    status: 'queued' as const,
    outputs: [],
    raw: null,
  }));
  return {
    id: handle.id,
    provider,
    status: deriveJobStatus(targets.map((target) => target.status)),
    source: 'asset' in start.source ? start.source.asset : undefined,
    targets,
    warnings: [],
    metadata: start.metadata,
    handle,
    raw: null,
  };
}

// Drivers may report a warning on the job and in the start result alike: each is kept once.
function uniqueWarnings(warnings: readonly Warning[]): Warning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const key = JSON.stringify([warning.code, warning.field, warning.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

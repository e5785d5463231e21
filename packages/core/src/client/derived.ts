import { InvalidArgumentError } from '../errors.ts';
import type { Asset } from '../model/asset.ts';
import type { JobHandle } from '../model/handle.ts';
import type { Job } from '../model/job.ts';
import { mimeTypeOf } from '../model/names.ts';
import { isTerminal } from '../model/status.ts';
import { parseArgument } from '../validation.ts';
import { requireCapability, requireFormat } from './capabilities.ts';
import type { ClientContext } from './context.ts';
import { canDeliver, download } from './download.ts';
import { isJob, toHandle } from './handles.ts';
import { MixOptionsSchema, ZipOptionsSchema } from './schemas.ts';
import type { JobReference, MixOptions, StemkitPlugin, ZipOptions } from './types.ts';

/**
 * Mixes stems provider-side when the driver can (in a format it declares), else through the first plugin with
 * `mix`. Either way the asset is named `<name>.<format>`.
 */
export async function mix(
  context: ClientContext,
  reference: JobReference,
  input: MixOptions,
): Promise<Asset> {
  const handle = toHandle(context, reference);
  const options = parseArgument(MixOptionsSchema, input, '');
  const { driver } = context;
  const format = options.format ?? 'wav';
  const name = baseName(options.name ?? 'mix', format);
  const fileName = `${name}.${format}`;
  if (driver.mix && context.capabilities.formats.includes(format)) {
    // A job at hand is checked here; a bare handle is the driver's to check, without a request (Sourcere's
    // handle records the stems asked for).
    if (isJob(reference)) {
      requireFinishedStems(
        reference,
        options.tracks.map((track) => track.stem),
        (index) => `tracks.${index}.stem`,
      );
    }
    const asset = await driver.mix(
      handle,
      { tracks: options.tracks, name, format },
      { signal: options.signal },
    );
    return owned(context, handle, { ...asset, name: fileName });
  }
  const plugin = context.plugins.find((each) => each.mix && writes(each, format));
  if (!plugin) {
    if (driver.mix || context.plugins.some((each) => each.mix)) requireFormat(context, format, false);
    requireCapability(context, 'mix', false, 'cannot mix, and no plugin with `mix` was given');
  }
  const job = await finishedJob(context, reference, handle, options.signal);
  requireFinishedStems(
    job,
    options.tracks.map((track) => track.stem),
    (index) => `tracks.${index}.stem`,
  );
  const tracks = await Promise.all(
    options.tracks.map(async (track, index) => {
      const file = await fetchOutput(context, job, track.stem, 'wav', `tracks.${index}.stem`, options.signal);
      return { ...track, data: file.data, format: file.format };
    }),
  );
  const result = await plugin!.mix!({ tracks, format, name });
  return keepLocal(context, job, { role: 'mix', name: fileName, format: result.format, data: result.data });
}

/**
 * Zips stems provider-side when the driver can (in a format it declares), else through the first plugin with
 * `zip`. Either way the asset is named `<name>.zip`.
 */
export async function zip(
  context: ClientContext,
  reference: JobReference,
  input: ZipOptions,
): Promise<Asset> {
  const handle = toHandle(context, reference);
  const options = parseArgument(ZipOptionsSchema, input, '');
  const { driver } = context;
  const name = baseName(options.name ?? 'stems', 'zip');
  const fileName = `${name}.zip`;
  if (driver.zip && context.capabilities.formats.includes(options.format)) {
    if (isJob(reference)) requireFinishedStems(reference, options.stems, (index) => `stems.${index}`);
    const asset = await driver.zip(
      handle,
      { stems: options.stems, format: options.format, name },
      { signal: options.signal },
    );
    return owned(context, handle, { ...asset, name: fileName });
  }
  const plugin = context.plugins.find((each) => each.zip);
  requireCapability(context, 'zip', plugin !== undefined, 'cannot zip, and no plugin with `zip` was given');
  const job = await finishedJob(context, reference, handle, options.signal);
  requireFinishedStems(job, options.stems, (index) => `stems.${index}`);
  const files = await Promise.all(
    options.stems.map(async (stem, index) => {
      const file = await fetchOutput(context, job, stem, options.format, `stems.${index}`, options.signal);
      return { name: `${stem}.${file.format}`, data: file.data };
    }),
  );
  const result = await plugin!.zip!({ files, name: fileName });
  return keepLocal(context, job, { role: 'archive', name: fileName, format: 'zip', data: result.data });
}

/**
 * One rule for every driver, whoever mixes or zips: only stems the job asked for and finished. A provider that
 * separates more than was asked (Sourcere makes every stem of its model) would otherwise mix a stem the job
 * never had, where another refuses it. The error names the stems the job has. (A driver that mixes given only
 * a handle applies the same rule, in the same words, to the stems its handle records.)
 */
function requireFinishedStems(job: Job, stems: readonly string[], field: (index: number) => string): void {
  const finished = job.targets.filter((target) => target.status === 'succeeded').map((target) => target.stem);
  stems.forEach((stem, index) => {
    if (finished.includes(stem)) return;
    const has = finished.length === 0 ? 'none finished' : `it has ${finished.join(', ')}`;
    throw new InvalidArgumentError(field(index), `job ${job.id} has no finished "${stem}" stem (${has})`);
  });
}

/** `name` without a trailing `.<extension>`, so `mix.mp3` and `mix` both name `mix.mp3`. */
function baseName(name: string, extension: string): string {
  const suffix = `.${extension}`;
  return name.toLowerCase().endsWith(suffix) && name.length > suffix.length
    ? name.slice(0, -suffix.length)
    : name;
}

/** Whether a plugin writes `format` (one that declares no formats is trusted with any). */
function writes(plugin: StemkitPlugin, format: string): boolean {
  return plugin.formats === undefined || plugin.formats.includes(format);
}

function owned(context: ClientContext, handle: JobHandle, asset: Asset): Asset {
  context.owners.rememberAssets([asset], handle);
  return asset;
}

async function finishedJob(
  context: ClientContext,
  reference: JobReference,
  handle: JobHandle,
  signal: AbortSignal | undefined,
): Promise<Job> {
  const job =
    isJob(reference) && isTerminal(reference.status)
      ? reference
      : (await context.driver.status(handle, { signal })).job;
  context.owners.remember(job);
  return job;
}

/** Downloads one stem's output into memory, in `format` when the job has it (or the driver converts to it). */
async function fetchOutput(
  context: ClientContext,
  job: Job,
  stem: string,
  format: string,
  field: string,
  signal: AbortSignal | undefined,
): Promise<{ data: Uint8Array; format: string }> {
  const outputs = job.targets
    .filter((target) => target.stem === stem && target.status === 'succeeded')
    .flatMap((target) => target.outputs)
    .filter((asset) => asset.role === 'stem' || asset.role === 'residual');
  const ranked = [...outputs].sort(
    (left, right) => Number(right.role === 'stem') - Number(left.role === 'stem'),
  );
  const exact = ranked.find((asset) => asset.format === format);
  const any = ranked[0];
  if (!exact && !any) {
    throw new InvalidArgumentError(field, `job ${job.id} has no finished output for "${stem}"`);
  }
  const converts = !exact && canDeliver(context, (any as Asset).format, format);
  const asset = (exact ?? any) as Asset;
  const { body } = await download(context, asset, {
    format: converts ? format : undefined,
    job: job.handle,
    signal,
  });
  const data = new Uint8Array(await new Response(body).arrayBuffer());
  return { data, format: exact || converts ? format : (asset.format ?? format) };
}

async function keepLocal(
  context: ClientContext,
  job: Job,
  file: { role: 'mix' | 'archive'; name: string; format: string; data: Uint8Array },
): Promise<Asset> {
  const asset: Asset = {
    id: `local:${crypto.randomUUID()}`,
    name: file.name,
    role: file.role,
    format: file.format,
    mimeType: mimeTypeOf(file.format),
    provider: context.driver.provider,
    raw: { local: true, job: job.id },
  };
  // The same keys as a provider-side mix: the size comes with the download.
  await context.localStore.put(asset, file.data);
  return asset;
}

import { InvalidArgumentError } from '../errors.ts';
import type { Asset } from '../model/asset.ts';
import type { JobHandle } from '../model/handle.ts';
import type { Job } from '../model/job.ts';
import { mimeTypeOf } from '../model/names.ts';
import { isTerminal } from '../model/status.ts';
import { parseArgument } from '../validation.ts';
import { requireCapability } from './capabilities.ts';
import type { ClientContext } from './context.ts';
import { download } from './download.ts';
import { isJob, toHandle } from './handles.ts';
import { MixOptionsSchema, ZipOptionsSchema } from './schemas.ts';
import type { JobReference, MixOptions, ZipOptions } from './types.ts';

/** Mixes stems provider-side when the driver can, else through the first plugin with `mix`. */
export async function mix(
  context: ClientContext,
  reference: JobReference,
  input: MixOptions,
): Promise<Asset> {
  const handle = toHandle(context, reference);
  const options = parseArgument(MixOptionsSchema, input, '');
  const { driver } = context;
  const name = options.name ?? 'mix';
  const format = options.format ?? 'wav';
  if (driver.mix) {
    requireFormat(context, format);
    const asset = await driver.mix(
      handle,
      { tracks: options.tracks, name, format },
      { signal: options.signal },
    );
    context.owners.rememberAssets([asset], handle);
    return asset;
  }
  const plugin = context.plugins.find((each) => each.mix);
  requireCapability(context, 'mix', plugin?.mix !== undefined);
  const job = await finishedJob(context, reference, handle, options.signal);
  const tracks = await Promise.all(
    options.tracks.map(async (track, index) => {
      const file = await fetchOutput(context, job, track.stem, 'wav', `tracks.${index}.stem`, options.signal);
      return { ...track, data: file.data, format: file.format };
    }),
  );
  const result = await plugin!.mix!({ tracks, format, name });
  return keepLocal(context, job, {
    role: 'mix',
    name: result.name,
    format: result.format,
    data: result.data,
  });
}

/** Zips stems provider-side when the driver can, else through the first plugin with `zip`. */
export async function zip(
  context: ClientContext,
  reference: JobReference,
  input: ZipOptions,
): Promise<Asset> {
  const handle = toHandle(context, reference);
  const options = parseArgument(ZipOptionsSchema, input, '');
  const { driver } = context;
  const name = options.name ?? 'stems.zip';
  if (driver.zip) {
    requireFormat(context, options.format);
    const asset = await driver.zip(
      handle,
      { stems: options.stems, format: options.format, name },
      { signal: options.signal },
    );
    context.owners.rememberAssets([asset], handle);
    return asset;
  }
  const plugin = context.plugins.find((each) => each.zip);
  requireCapability(context, 'zip', plugin?.zip !== undefined);
  const job = await finishedJob(context, reference, handle, options.signal);
  const files = await Promise.all(
    options.stems.map(async (stem, index) => {
      const file = await fetchOutput(context, job, stem, options.format, `stems.${index}`, options.signal);
      return { name: `${stem}.${file.format}`, data: file.data };
    }),
  );
  const result = await plugin!.zip!({ files, name });
  return keepLocal(context, job, { role: 'archive', name: result.name, format: 'zip', data: result.data });
}

/** A provider-side mix or zip comes in the formats the driver declares; local ones in any the plugin writes. */
function requireFormat(context: ClientContext, format: string): void {
  requireCapability(context, `format:${format}`, context.capabilities.formats.includes(format));
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
  const converts = !exact && context.capabilities.formats.includes(format);
  const asset = (exact ?? any) as Asset;
  const { body } = await download(context, asset, {
    format: converts ? format : undefined,
    job: job.handle,
    signal,
  });
  const data = new Uint8Array(await new Response(body).arrayBuffer());
  return { data, format: exact || converts ? format : (asset.format ?? format) };
}

function keepLocal(
  context: ClientContext,
  job: Job,
  file: { role: 'mix' | 'archive'; name: string; format: string; data: Uint8Array },
): Asset {
  const asset: Asset = {
    id: `local:${crypto.randomUUID()}`,
    name: file.name,
    role: file.role,
    format: file.format,
    mimeType: mimeTypeOf(file.format),
    sizeBytes: file.data.byteLength,
    provider: context.driver.provider,
    raw: { local: true, job: job.id },
  };
  context.localFiles.set(asset.id, { asset, data: file.data });
  return asset;
}

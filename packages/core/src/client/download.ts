import type { LinkResult } from '../driver/contract.ts';
import { DownloadError, InvalidArgumentError, isAbortError, UnsupportedCapabilityError } from '../errors.ts';
import { type Asset, AssetSchema } from '../model/asset.ts';
import type { JobHandle } from '../model/handle.ts';
import { mimeTypeOf } from '../model/names.ts';
import { credentialHeaderNames } from '../secrets.ts';
import { parseArgument } from '../validation.ts';
import { unsupportedFormat } from './capabilities.ts';
import type { ClientContext } from './context.ts';
import { toHandle } from './handles.ts';
import { backoffDelay } from './poll.ts';
import { DownloadOptionsSchema } from './schemas.ts';
import { sleep } from './sleep.ts';
import { bytesStream } from './source.ts';
import type { DownloadOptions, DownloadResult, StemkitPlugin } from './types.ts';

/** Answers of a storage host that mean "this link no longer works": worth one refresh. */
const STALE_LINK_STATUSES = new Set([401, 403, 404, 410]);
/** How many `ready: false` answers to wait out before giving up on a link. */
const LINK_ATTEMPTS = 30;

type ReadyLink = Extract<LinkResult, { ready: true }>;

/**
 * Streams one output: asks the driver for a link (waiting out "still preparing"), GETs it without any
 * credential, and refreshes the link once when the host says it is stale or it is past its expiry.
 */
export async function download(
  context: ClientContext,
  input: Asset,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const asset = parseArgument(AssetSchema, input, 'asset');
  const parsed = parseArgument(DownloadOptionsSchema, options, '');
  const { signal } = parsed;
  const local = await context.localStore.open(asset.id);
  if (local) return { asset: local.asset, body: local.body, size: local.size };
  // An output's own format is no conversion.
  const format = parsed.format === asset.format ? undefined : parsed.format;
  const provider = context.driver.provider;
  const declared = format === undefined || context.capabilities.formats.includes(format);
  const converter = format === undefined ? undefined : converterFor(context, asset.format, format);
  if (format !== undefined && !declared && !converter) throw refusal(context, asset, format);
  if (asset.provider !== provider) {
    throw new InvalidArgumentError(
      'asset',
      `is an asset of "${asset.provider}", this client drives "${provider}"`,
    );
  }
  const handle = options.job === undefined ? context.owners.ownerOf(asset) : toHandle(context, options.job);
  if (!handle) {
    throw new InvalidArgumentError(
      'job',
      `this client has not seen the job of asset ${asset.id}; pass \`job\``,
    );
  }
  const viaPlugin = async () =>
    convertLocally(
      context,
      converter!,
      await throughLink(context, handle, asset, undefined, signal),
      format!,
    );
  if (format === undefined || context.capabilities.convertOnDownload) {
    return declared ? throughLink(context, handle, asset, format, signal) : viaPlugin();
  }
  if (!declared) return viaPlugin();
  // A declared format the provider converts nothing to may still be another output of the same target (both
  // asked at start): the driver knows; when it has none, a plugin converts.
  try {
    return await throughLink(context, handle, asset, format, signal);
  } catch (error) {
    if (converter && UnsupportedCapabilityError.isInstance(error)) return viaPlugin();
    throw error;
  }
}

/** Downloads through a fresh link from the driver, in `format` when given. */
async function throughLink(
  context: ClientContext,
  handle: JobHandle,
  asset: Asset,
  format: string | undefined,
  signal: AbortSignal | undefined,
): Promise<DownloadResult> {
  const provider = context.driver.provider;
  let link = await readyLink(context, handle, asset, format, signal);
  let refreshed = false;
  if (isExpired(link)) {
    link = await readyLink(context, handle, asset, format, signal);
    refreshed = true;
  }
  let response = await get(context, asset, link, signal);
  if (!response.ok && STALE_LINK_STATUSES.has(response.status) && !refreshed) {
    await response.body?.cancel();
    context.logger.debug('download link stale; refreshing', { provider, asset: asset.id });
    link = await readyLink(context, handle, asset, format, signal);
    response = await get(context, asset, link, signal);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new DownloadError(`Downloading asset ${asset.id} from ${provider} answered ${response.status}`, {
      provider,
      status: response.status,
    });
  }
  const length = Number(response.headers.get('content-length'));
  return {
    asset: {
      ...asset,
      ...(format === undefined ? {} : inFormat(asset, format)),
      url: link.url,
      expiresAt: link.expiresAt,
    },
    body: response.body,
    size:
      Number.isSafeInteger(length) && length >= 0 && response.headers.has('content-length')
        ? length
        : undefined,
  };
}

/**
 * Whether an output in `from` can be downloaded in `to`: natively (the driver declares `to`) or through a
 * plugin's `convert`.
 */
export function canDeliver(context: ClientContext, from: string | undefined, to: string): boolean {
  return providerDelivers(context, from, to) || converterFor(context, from, to) !== undefined;
}

/** Whether the provider delivers an output in `from` as `to`: its own format, or one `link` converts to. */
function providerDelivers(context: ClientContext, from: string | undefined, to: string): boolean {
  const { capabilities } = context;
  return from === to || (capabilities.convertOnDownload && capabilities.formats.includes(to));
}

/** Why an output cannot be had in `format`: the provider has no such format, and no plugin converts to it. */
function refusal(context: ClientContext, asset: Asset, format: string): Error {
  const plugin = context.plugins.some((each) => each.convert)
    ? `no plugin converts ${asset.format ?? 'this output'} to it`
    : 'a plugin with `convert` (localAudio() from @stemkit/audio) would convert it on this machine';
  return unsupportedFormat(context, format, `; ${plugin}`);
}

type Converter = Required<Pick<StemkitPlugin, 'convert'>> & StemkitPlugin;

function converterFor(context: ClientContext, from: string | undefined, to: string): Converter | undefined {
  if (from === undefined) return undefined;
  const reads = (plugin: StemkitPlugin, format: string) =>
    plugin.formats === undefined || plugin.formats.includes(format);
  return context.plugins.find(
    (plugin): plugin is Converter => plugin.convert !== undefined && reads(plugin, from) && reads(plugin, to),
  );
}

/** The asset in another format: its format, MIME type and name's extension follow. */
function inFormat(asset: Asset, format: string): Pick<Asset, 'format' | 'mimeType' | 'name'> {
  const extension = asset.format === undefined ? undefined : `.${asset.format}`;
  const base =
    extension && asset.name.toLowerCase().endsWith(extension)
      ? asset.name.slice(0, -extension.length)
      : asset.name;
  return { format, mimeType: mimeTypeOf(format), name: `${base}.${format}` };
}

/** Converts a native download on this machine; the result is held in memory, like a local mix. */
async function convertLocally(
  context: ClientContext,
  converter: Converter,
  original: DownloadResult,
  format: string,
): Promise<DownloadResult> {
  const data = new Uint8Array(await new Response(original.body).arrayBuffer());
  const from = original.asset.format as string;
  context.logger.debug('converting locally', { plugin: converter.name, from, to: format });
  const converted = await converter.convert({ data, format: from, to: format });
  const { url: _url, expiresAt: _expiresAt, ...asset } = original.asset;
  return {
    asset: { ...asset, ...inFormat(original.asset, format), sizeBytes: converted.data.byteLength },
    body: bytesStream(converted.data),
    size: converted.data.byteLength,
  };
}

function isExpired(link: ReadyLink): boolean {
  return link.expiresAt !== undefined && Date.parse(link.expiresAt) <= Date.now();
}

async function readyLink(
  context: ClientContext,
  handle: JobHandle,
  asset: Asset,
  format: string | undefined,
  signal: AbortSignal | undefined,
): Promise<ReadyLink> {
  for (let attempt = 0; attempt < LINK_ATTEMPTS; attempt++) {
    const link = await context.driver.link(handle, { asset, format }, { signal });
    if (link.ready) return link;
    await sleep(link.retryAfterMs ?? backoffDelay(attempt, context.wait), signal);
  }
  throw new DownloadError(`${context.driver.provider} kept preparing asset ${asset.id}; try again later`, {
    provider: context.driver.provider,
  });
}

async function get(
  context: ClientContext,
  asset: Asset,
  link: ReadyLink,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const headers = new Headers(link.headers);
  for (const name of credentialHeaderNames()) headers.delete(name);
  try {
    return await context.fetch(link.url, { method: link.method ?? 'GET', headers, signal });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new DownloadError(`Could not download asset ${asset.id} from ${context.driver.provider}`, {
      provider: context.driver.provider,
      cause: error,
    });
  }
}

import type { EmulatorContext } from '../context.ts';
import type { LegacyAsset, LegacyJob } from '../state/records.ts';

/** Legacy links carry no documented lifetime: a day, unless a fault shortens it. */
const linkLifetimeSeconds = 86_400;

/** An Asset as the legacy API returns it, with a fresh signed link. */
export function assetJson(context: EmulatorContext, asset: LegacyAsset): Record<string, unknown> {
  const link = context.signer.sign(
    'GET',
    asset.key,
    context.signedUrlLifetime(linkLifetimeSeconds),
    asset.name,
  );
  return {
    name: asset.name,
    id: asset.id,
    fileType: asset.fileType,
    format: asset.format,
    link: link.url,
    clientId: asset.clientId,
  };
}

/**
 * A Job as the legacy API returns it. Outputs appear under every name the docs use (`outputAssets`, the older
 * `stemAssets` for audio and `otherAssets` for text), at job level and, like the docs' separation example,
 * inside `sourceAsset` too, so clients reading any of the documented places find them.
 */
export function jobJson(context: EmulatorContext, job: LegacyJob): Record<string, unknown> {
  const { legacyAssets } = context.store.state;
  const outputs = job.outputAssetIds.flatMap((id) => {
    const asset = legacyAssets[id];
    return asset ? [asset] : [];
  });
  const outputAssets = outputs.map((asset) => assetJson(context, asset));
  const isText = (asset: LegacyAsset) => !asset.fileType.startsWith('audio/');
  const stemAssets = outputs.filter((asset) => !isText(asset)).map((asset) => assetJson(context, asset));
  const otherAssets = outputs.filter(isText).map((asset) => assetJson(context, asset));
  const source = legacyAssets[job.assetId];
  const stemMetadata = { ...job.metadata, stemName: job.metadata.name };
  const json: Record<string, unknown> = {
    id: job.id,
    clientId: job.clientId,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
    completedAt: job.completedAt,
    requestId: job.requestId,
    licenseId: job.licenseId,
    assetId: job.assetId,
    metadata: job.metadata,
    stemMetadata,
    callbackUrl: job.callbackUrl,
    status: job.status,
    statusInfo: job.statusInfo,
    sourceAsset: source
      ? { ...assetJson(context, source), outputAssets, stemAssets, metadata: job.metadata, stemMetadata }
      : undefined,
    outputAssets,
    stemAssets,
    otherAssets,
  };
  return JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
}

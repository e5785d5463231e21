import { type LegacyJob, type LegacyJobRequest, legacyJobMetadata } from '@stemkit/audioshake';

/**
 * The `POST /job` body a stored legacy job was created from, read back from the job: its source asset id,
 * its request metadata (without the null fields a response may echo), callback URL and other source assets.
 *
 * @example
 * ```ts
 * legacyJobToRequest(jobs[0]!); // { assetId: 'clyx…', metadata: { name: 'vocals', format: 'wav' } }
 * ```
 */
export function legacyJobToRequest(job: LegacyJob): LegacyJobRequest {
  const assetId = job.sourceAsset?.id ?? job.assetId ?? '';
  const metadata = Object.fromEntries(
    Object.entries(legacyJobMetadata(job) ?? {}).filter(([, value]) => value !== null && value !== undefined),
  );
  if (metadata.name === undefined && typeof metadata.stemName === 'string') metadata.name = metadata.stemName;
  delete metadata.stemName;
  const other = (job as { otherSourceAssets?: unknown }).otherSourceAssets;
  const otherSourceAssets = Array.isArray(other)
    ? other.filter(
        (each): each is { id: string; type: string } =>
          typeof each === 'object' &&
          each !== null &&
          typeof each.id === 'string' &&
          typeof each.type === 'string',
      )
    : [];
  return {
    assetId,
    metadata,
    ...(job.callbackUrl ? { callbackUrl: job.callbackUrl } : {}),
    ...(otherSourceAssets.length > 0 ? { otherSourceAssets } : {}),
  };
}

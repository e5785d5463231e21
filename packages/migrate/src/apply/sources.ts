import { audioshakeLegacy } from '@stemkit/audioshake';
import { InvalidArgumentError, type StemkitDriver } from '@stemkit/core';
import type { SourceReference } from '@stemkit/core/driver';
import type { PlannedSource } from '../plan/schema.ts';

/**
 * Turns a planned source into what the Tasks driver takes. A legacy asset becomes its fresh link, read from
 * one of its jobs through the legacy API at this moment (links expire; none is ever stored).
 */
export async function resolveSource(
  source: PlannedSource,
  tasks: StemkitDriver,
  legacy: StemkitDriver | undefined,
  signal?: AbortSignal,
): Promise<SourceReference> {
  if ('url' in source) return { url: source.url };
  if ('assetId' in source) {
    return {
      asset: { id: source.assetId, name: source.assetId, role: 'source', provider: tasks.provider, raw: {} },
    };
  }
  if (!legacy) {
    throw new InvalidArgumentError(
      'legacy',
      `source asset ${source.legacyAssetId} lives on the legacy API: pass legacy credentials, or give its URL in the plan's sources`,
    );
  }
  const { job } = await legacy.status(
    { contract: 1, provider: audioshakeLegacy.provider, id: source.legacyJobId, parts: [source.legacyJobId] },
    { signal },
  );
  const url = job.source?.url;
  if (!url) {
    throw new InvalidArgumentError(
      'source',
      `legacy job ${source.legacyJobId} gives no link for asset ${source.legacyAssetId}; re-upload it and pass it in sources`,
    );
  }
  return { url };
}

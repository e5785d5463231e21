import { type Asset, type Job, mimeTypeOf, type Target, type TargetStatus } from '@stemkit/core';
import { stableDigest } from '../shared/hash.ts';
import type { GatewayAsset, GatewayJob } from './store.ts';

/** The legacy status of a neutral target status (the legacy driver's status map, read backwards). */
export function legacyStatusOf(status: TargetStatus): 'created' | 'processing' | 'completed' | 'failed' {
  switch (status) {
    case 'queued':
      return 'created';
    case 'running':
      return 'processing';
    case 'succeeded':
      return 'completed';
    case 'failed':
    case 'canceled':
      return 'failed';
  }
}

/** One output as the legacy API names it: `<model>.<ext>`, `<model>_residual.<ext>`. */
export interface LegacyOutput {
  readonly name: string;
  readonly format: string;
  readonly asset: Asset;
}

/**
 * The outputs of a target under their legacy names: `<model>.<ext>`, `<model>_residual.<ext>`, numbered when a
 * model writes several of one kind; `multi_voice` writes one file per voice, named as the legacy API does
 * (`voice_two_speaker_01.<ext>`, `voice_two_speaker_02.<ext>`, or with the job's `variant`).
 */
export function legacyOutputsOf(
  metadata: Readonly<Record<string, unknown>>,
  target: Target | undefined,
): LegacyOutput[] {
  const model = String(metadata.name);
  const voices = model === 'multi_voice';
  const variant = typeof metadata.variant === 'string' ? metadata.variant : 'two_speaker';
  const seen = new Map<string, number>();
  return (target?.outputs ?? []).map((asset) => {
    // The backend's format names a file extension here: anything but letters and digits goes.
    const format =
      (asset.format ?? asset.name.split('.').pop() ?? 'bin').replace(/[^A-Za-z0-9]/g, '') || 'bin';
    const residual = asset.role === 'residual';
    const base = residual ? `${model}_residual` : voices ? `voice_${variant}` : model;
    const count = (seen.get(`${base}.${format}`) ?? 0) + 1;
    seen.set(`${base}.${format}`, count);
    const numbered = (voices && !residual) || count > 1;
    return {
      name: `${base}${numbered ? `_${String(count).padStart(2, '0')}` : ''}.${format}`,
      format,
      asset,
    };
  });
}

/** The formats of text outputs (transcription, alignment, music detection). */
const TEXT_FORMATS = new Set(['json', 'txt', 'srt']);

/** A legacy Asset body. */
export function legacyAssetJson(asset: GatewayAsset, link: string | undefined): Record<string, unknown> {
  return {
    name: asset.name,
    id: asset.id,
    fileType: asset.fileType,
    format: asset.format,
    ...(link ? { link } : {}),
  };
}

/**
 * A legacy Job body (docs/providers/audioshake-legacy.md, "Payloads") for a gateway job: its request echoed (as
 * `metadata` and under its older name `stemMetadata`), the backend target's status mapped back, `statusInfo` from
 * the failure, `completedAt` once completed, outputs with gateway download links as `outputAssets` and under their
 * older name `stemAssets` (both at job level and inside `sourceAsset`, where the documented separation example
 * puts them), and its text outputs (transcripts) also as `otherAssets`, as the documented data model shows.
 */
export function legacyJobJson(
  record: GatewayJob,
  job: Job | undefined,
  source: GatewayAsset | undefined,
  links: { source?: string; output(name: string): string },
  clientId: string,
): Record<string, unknown> {
  const target = job?.targets[0];
  const status = record.failure ? 'failed' : legacyStatusOf(target?.status ?? 'queued');
  const failure = record.failure ?? target?.error;
  const outputs = (status === 'completed' ? legacyOutputsOf(record.metadata, target) : []).map((output) => ({
    name: output.name,
    id: `c${stableDigest(`${record.id}/${output.name}`, 24)}`,
    fileType: output.asset.mimeType ?? mimeTypeOf(output.format),
    format: output.format,
    link: links.output(output.name),
  }));
  const stemMetadata = { ...record.metadata, stemName: record.metadata.name };
  return {
    id: record.id,
    clientId,
    createdAt: record.createdAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    updatedAt: record.updatedAt,
    ...(status === 'completed' && record.completedAt ? { completedAt: record.completedAt } : {}),
    requestId: record.id,
    licenseId: '',
    assetId: record.assetId,
    metadata: record.metadata,
    stemMetadata,
    ...(record.callbackUrl ? { callbackUrl: record.callbackUrl } : {}),
    status,
    statusInfo: status === 'failed' && failure ? { code: failure.code ?? 500, message: failure.message } : {},
    ...(source
      ? {
          sourceAsset: {
            ...legacyAssetJson(source, links.source),
            outputAssets: outputs,
            stemAssets: outputs,
            metadata: record.metadata,
          },
        }
      : {}),
    outputAssets: outputs,
    stemAssets: outputs,
    // The documented example lists a transcript here: the text outputs, which legacy clients also find in
    // outputAssets (they read both, by id).
    otherAssets: outputs.filter((output) => TEXT_FORMATS.has(output.format)),
  };
}

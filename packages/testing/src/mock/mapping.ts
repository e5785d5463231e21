import {
  type Asset,
  type AssetRole,
  deriveJobStatus,
  type Job,
  mimeTypeOf,
  type TargetStatus,
} from '@stemkit/core/driver';
import { match } from 'ts-pattern';
import type * as z from 'zod/mini';
import type { FilePayload, JobPayload } from './payloads.ts';

/** The provider's target state in stemkit's words; unknown states read as still running. */
export function targetStatusOf(state: string): TargetStatus {
  return match(state)
    .returnType<TargetStatus>()
    .with('QUEUED', () => 'queued')
    .with('PROCESSING', () => 'running')
    .with('DONE', () => 'succeeded')
    .with('ERROR', () => 'failed')
    .with('CANCELLED', () => 'canceled')
    .otherwise(() => 'running');
}

/** A provider file as a neutral asset. */
export function assetOf(file: z.output<typeof FilePayload>, provider: string, stem?: string): Asset {
  const roles: readonly AssetRole[] = ['source', 'stem', 'residual', 'mix', 'archive'];
  const role = roles.find((each) => each === file.role) ?? 'other';
  return {
    id: file.id,
    name: file.name,
    role,
    stem,
    format: file.format,
    mimeType: file.format ? mimeTypeOf(file.format) : undefined,
    url: file.url,
    expiresAt: file.expiresAt,
    sizeBytes: file.bytes,
    provider,
    raw: file,
  };
}

/** A provider job as a neutral job; its status is derived from its targets'. */
export function jobOf(payload: z.output<typeof JobPayload>, provider: string): Job {
  const targets = payload.targets.map((target) => ({
    id: target.id,
    stem: target.model,
    formats: target.formats,
    status: targetStatusOf(target.state),
    outputs: target.outputs.map((file) => assetOf(file, provider, target.model)),
    error: target.error ? { code: target.error.code, message: target.error.message } : undefined,
    raw: target,
  }));
  const events = (payload.events ?? []).map((event) => ({ name: event.name, at: event.at }));
  return {
    id: payload.id,
    provider,
    status: deriveJobStatus(targets.map((target) => target.status)),
    source: payload.source ? assetOf(payload.source, provider) : undefined,
    targets,
    progress: { stage: events.at(-1)?.name, events },
    warnings: [],
    metadata: payload.metadata ?? undefined,
    createdAt: payload.created,
    handle: { contract: 1, provider, id: payload.id },
    raw: payload,
  };
}

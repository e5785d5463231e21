import { createStemkit, type Job, type Stemkit, type StemkitDriver } from '@stemkit/core';
import type { Context } from 'hono';
import { legacyJobJson, legacyStatusOf } from './legacy-shape.ts';
import { DEFAULT_LINK_TIMEOUT_MS, DEFAULT_MAX_UPLOAD_BYTES, positiveWholeNumber } from './limits.ts';
import { LinkSigner } from './links.ts';
import type { GatewayOptions } from './options.ts';
import { createOutbound, type Outbound } from './outbound.ts';
import {
  type GatewayAsset,
  type GatewayJob,
  type GatewayStore,
  type LegacyStatus,
  memoryGatewayStore,
} from './store.ts';

/** What the gateway's routes and callback follower share: the backend, the store and the settled options. */
export interface GatewayContext {
  readonly driver: StemkitDriver;
  /** The client over the driver, for reading jobs, downloads, waits and usage. */
  readonly client: Stemkit;
  readonly store: GatewayStore;
  readonly signer: LinkSigner;
  readonly outbound: Outbound;
  readonly publicUrl: string | undefined;
  readonly clientId: string;
  readonly linkLifetimeSeconds: number;
  readonly maxUploadBytes: number;
  readonly linkTimeoutMs: number;
}

/** The context of a gateway's options, with their defaults; a `RangeError` names an option out of range. */
export function gatewayContext(options: GatewayOptions): GatewayContext {
  const { driver } = options;
  if (options.linkSecret !== undefined && options.linkSecret.length < 32) {
    throw new RangeError('linkSecret must be at least 32 characters');
  }
  return {
    driver,
    client: createStemkit({ driver, wait: options.wait ?? { initialDelayMs: 500, maxDelayMs: 5_000 } }),
    maxUploadBytes: positiveWholeNumber(
      options.maxUploadBytes,
      'maxUploadBytes',
      driver.capabilities.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    ),
    linkTimeoutMs: positiveWholeNumber(options.linkTimeoutMs, 'linkTimeoutMs', DEFAULT_LINK_TIMEOUT_MS),
    store: options.store ?? memoryGatewayStore(),
    signer: new LinkSigner(options.linkSecret),
    outbound: createOutbound(options),
    publicUrl: options.publicUrl,
    clientId: options.clientId ?? 'stemkit-gateway',
    linkLifetimeSeconds: options.linkLifetimeSeconds ?? 3_600,
  };
}

/** The base URL download links in an answer to this request start with. */
export function baseOf(context: GatewayContext, hono: Context): string {
  return (context.publicUrl ?? new URL(hono.req.url).origin).replace(/\/+$/, '');
}

/**
 * The link a legacy asset body shows: a link the client gave is echoed back; a backend asset's link is the
 * backend's signed storage URL, its own business: never handed out.
 */
export function assetLink(asset: GatewayAsset): string | undefined {
  return 'url' in asset.source ? asset.source.url : undefined;
}

/** The legacy status a record and its backend job (when known) stand at. */
export function statusOf(record: GatewayJob, job: Job | undefined): LegacyStatus {
  return record.failure ? 'failed' : legacyStatusOf(job?.targets[0]?.status ?? 'queued');
}

/**
 * Notes a status change on the record (startedAt, completedAt, updatedAt) and stores it; true when the legacy
 * status changed.
 */
export async function observe(
  context: GatewayContext,
  record: GatewayJob,
  job: Job | undefined,
): Promise<boolean> {
  const status = statusOf(record, job);
  if (status === record.lastStatus) return false;
  const now = new Date().toISOString();
  record.lastStatus = status;
  record.updatedAt = now;
  if (status !== 'created') record.startedAt ??= now;
  if (status === 'completed') record.completedAt ??= now;
  await context.store.putJob(record);
  return true;
}

/** The `{ job }` body of `GET /job/:id` and of callbacks, with fresh download links under `base`. */
export async function jobBody(
  context: GatewayContext,
  record: GatewayJob,
  job: Job | undefined,
  base: string,
): Promise<{ job: Record<string, unknown> }> {
  const source = await context.store.getAsset(record.assetId);
  const sourceLink = source ? assetLink(source) : undefined;
  return {
    job: legacyJobJson(
      record,
      job,
      source,
      {
        ...(sourceLink ? { source: sourceLink } : {}),
        output: (name) =>
          `${base}/download/${context.signer.sign(record.id, name, context.linkLifetimeSeconds)}`,
      },
      context.clientId,
    ),
  };
}

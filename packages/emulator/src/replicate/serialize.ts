import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { EmulatorContext } from '../context.ts';
import type { ReplicateFileRecord, ReplicatePredictionRecord } from '../state/records.ts';

/** Files expire an hour after upload (the note's example; the rule itself is unknown). */
export const fileLifetimeMs = 3_600_000;

/** A 26-character lower-case base32 id, like Replicate's (`gm3qorzdhgbfurvjtvhg6dckhu`). */
export function replicateId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let id = '';
  for (const byte of randomBytes(26)) id += alphabet[byte % 32];
  return id;
}

/** The account's webhook signing secret: stable per emulator state, `whsec_` and a base64 key. */
export function webhookSecretOf(context: EmulatorContext): string {
  const key = createHash('sha256')
    .update(`${context.store.state.secret}:replicate-webhook`)
    .digest()
    .subarray(0, 24);
  return `whsec_${key.toString('base64')}`;
}

/** Standard Webhooks headers of one delivery attempt: the id stays, the timestamp is this attempt's. */
export function signedHeaders(secret: string, id: string, rawBody: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

/** Whether Replicate has removed the prediction's data: `replicateDataRetentionMs` after completion. */
export function isRemoved(context: EmulatorContext, prediction: ReplicatePredictionRecord): boolean {
  if (prediction.dataRemoved) return true;
  if (!prediction.completedAt) return false;
  return Date.now() - Date.parse(prediction.completedAt) >= context.options.replicateDataRetentionMs;
}

/** A file as `POST /files` and `GET /files/{id}` return it. */
export function fileJson(base: string, file: ReplicateFileRecord): Record<string, unknown> {
  return {
    id: file.id,
    content_type: file.contentType,
    size: file.size,
    checksums: { sha256: file.sha256 },
    metadata: {},
    created_at: file.createdAt,
    expires_at: new Date(Date.parse(file.createdAt) + fileLifetimeMs).toISOString(),
    urls: { get: `${base}/files/${file.id}` },
  };
}

/** A prediction as `GET /predictions/{id}` returns it and its webhooks post it; output links signed fresh. */
export function predictionJson(
  context: EmulatorContext,
  base: string,
  prediction: ReplicatePredictionRecord,
): Record<string, unknown> {
  const removed = isRemoved(context, prediction);
  const left = prediction.completedAt
    ? Date.parse(prediction.completedAt) + context.options.replicateDataRetentionMs - Date.now()
    : context.options.replicateDataRetentionMs;
  const lifetime = Math.max(1, Math.floor(left / 1000));
  const output =
    removed || !prediction.output
      ? null
      : Object.fromEntries(
          Object.entries(prediction.output).map(([stem, key]) => [
            stem,
            key ? context.signer.sign('GET', key, lifetime, key.split('/').at(-1)).url : null,
          ]),
        );
  const terminal = ['succeeded', 'failed', 'canceled'].includes(prediction.status);
  const json = {
    id: prediction.id,
    model: prediction.model,
    version: prediction.version,
    input: removed ? {} : prediction.input,
    output,
    logs: removed ? '' : prediction.logs,
    error: prediction.error,
    status: prediction.status,
    source: 'api',
    data_removed: removed,
    created_at: prediction.createdAt,
    started_at: prediction.startedAt,
    completed_at: prediction.completedAt,
    ...(terminal
      ? {
          metrics: {
            predict_time: prediction.predictTime ?? 0,
            total_time:
              (Date.parse(prediction.completedAt ?? prediction.createdAt) -
                Date.parse(prediction.createdAt)) /
              1000,
          },
        }
      : {}),
    webhook: prediction.webhook,
    webhook_events_filter: prediction.webhookEventsFilter,
    urls: {
      get: `${base}/predictions/${prediction.id}`,
      cancel: `${base}/predictions/${prediction.id}/cancel`,
      web: `https://replicate.com/p/${prediction.id}`,
    },
  };
  return JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
}

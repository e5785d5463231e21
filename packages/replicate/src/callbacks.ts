import {
  type CallbackHint,
  type CallbackRequest,
  InvalidArgumentError,
  verifyStandardWebhook,
} from '@stemkit/core/driver';
import type { ReplicateApi } from './api.ts';
import { replicateStatusToNeutral } from './to-neutral.ts';
import { ReplicatePrediction } from './wire.ts';

/**
 * Reads a Replicate webhook after verifying it (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, the account's `whsec_` secret, a five-minute replay window): a forged, tampered,
 * replayed or re-serialised one is an `InvalidArgumentError`. The body is the prediction; its status is the
 * claim, confirmed by the next `GET`.
 */
export async function parseCallback(api: ReplicateApi, request: CallbackRequest): Promise<CallbackHint> {
  if (request.rawBody === undefined) {
    throw new InvalidArgumentError(
      'request.body',
      'must be the raw body (a string or bytes): the signature covers it',
    );
  }
  await verifyStandardWebhook(
    { headers: request.headers, rawBody: request.rawBody },
    {
      secret: await api.webhookSecret(),
      now: api.context.now(),
      ...(api.options.webhookToleranceSeconds !== undefined
        ? { toleranceSeconds: api.options.webhookToleranceSeconds }
        : {}),
    },
  );
  const prediction = api.context.parse(ReplicatePrediction, request.body, 'a webhook body');
  return {
    handle: api.context.handle(prediction.id),
    event: prediction.status,
    claimedStatus: replicateStatusToNeutral(prediction.status),
  };
}

import { InvalidArgumentError, type Job, parsePayload } from '@stemkit/core/driver';
import { REPLICATE_PROVIDER } from './options.ts';
import { ReplicatePrediction } from './wire.ts';

/**
 * The prediction behind a neutral job, typed, with what the neutral model has no field for (`logs`, `metrics`,
 * `urls`, `data_removed`); an `InvalidArgumentError` for a job of another provider.
 *
 * @example
 * ```ts
 * const prediction = replicatePredictionOf(await stemkit.get(handle));
 * console.log(prediction.metrics, prediction.data_removed);
 * ```
 */
export function replicatePredictionOf(job: Job): ReplicatePrediction {
  if (job.provider !== REPLICATE_PROVIDER) {
    throw new InvalidArgumentError('job', `is a job of ${job.provider}, not ${REPLICATE_PROVIDER}`);
  }
  return parsePayload(ReplicatePrediction, job.raw, { provider: REPLICATE_PROVIDER, what: 'a prediction' });
}

/**
 * A stored prediction (a `GET /predictions/{id}` body or a webhook body), parsed: an `InvalidResponseError` when
 * it is not one.
 *
 * @example
 * ```ts
 * const prediction = parseReplicatePrediction(await response.json());
 * ```
 */
export function parseReplicatePrediction(payload: unknown): ReplicatePrediction {
  return parsePayload(ReplicatePrediction, payload, { provider: REPLICATE_PROVIDER, what: 'a prediction' });
}

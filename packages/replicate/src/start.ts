import {
  type DriverCallOptions,
  InvalidArgumentError,
  type StartRequest,
  type StartResult,
  summarizeSource,
} from '@stemkit/core/driver';
import type { ReplicateApi } from './api.ts';
import { formatOf, inputOf } from './catalog.ts';
import type { HandleData } from './handle.ts';
import { toJob } from './to-neutral.ts';
import { ReplicatePrediction } from './wire.ts';

/** The `Prefer` header of a create: a bounded wait (1–60 s) for a short source, else none. */
export function preferOf(
  request: Pick<StartRequest, 'source'>,
  options: { preferWaitSeconds?: number; syncMaxSeconds?: number },
): string | undefined {
  const seconds = Math.min(60, Math.floor(options.preferWaitSeconds ?? 0));
  if (seconds < 1) return undefined;
  const duration = 'asset' in request.source ? request.source.asset.durationSeconds : undefined;
  if (duration === undefined || duration > (options.syncMaxSeconds ?? 60)) return undefined;
  return `wait=${seconds}`;
}

/**
 * `POST /predictions` on the pinned version: the source URL (a Files API URL or the caller's) as `audio`, the
 * model's own input schema, the callback as `webhook` with `webhook_events_filter`. With `Prefer: wait` the
 * answer may already be the finished prediction; one still running is polled by the client like any other.
 */
export async function start(
  api: ReplicateApi,
  request: StartRequest,
  options: DriverCallOptions = {},
): Promise<StartResult> {
  const { http, context, model, version, network } = api;
  if ('upload' in request.source)
    throw new InvalidArgumentError('source', 'is an inline upload; upload it first');
  const audio = 'url' in request.source ? request.source.url : request.source.asset.url!;
  const prefer = preferOf(request, api.options);
  const { data: prediction } = await http.call({
    method: 'POST',
    path: 'predictions',
    json: {
      version,
      input: inputOf(model, network, audio, request, api.options.mp3Bitrate),
      ...(request.callbackUrl
        ? {
            webhook: request.callbackUrl,
            webhook_events_filter: [...(api.options.webhookEvents ?? ['start', 'completed'])],
          }
        : {}),
    },
    ...(prefer ? { headers: { prefer }, timeoutMs: (Number(prefer.slice(5)) + 30) * 1000 } : {}),
    schema: ReplicatePrediction,
    // Each POST is a new, billed prediction: never repeated by the transport.
    idempotent: false,
    what: 'create a prediction',
    signal: options.signal,
  });
  const residual = request.targets.length === 1 && request.targets[0]!.residual === true;
  const data: HandleData = {
    stems: request.targets.map((target) => target.stem),
    format: formatOf(request),
    ...(residual ? { residual } : {}),
    source: summarizeSource(request.source),
  };
  const handle = context.handle(prediction.id, { data });
  return { handle, job: toJob(handle, data, prediction, model) };
}

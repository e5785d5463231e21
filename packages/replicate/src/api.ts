import { type DriverContext, type HttpClient, registerSecret, type Settings } from '@stemkit/core/driver';
import type { REPLICATE_SETTINGS, ReplicateDemucsModel, ReplicateDriverOptions } from './options.ts';
import { SecretSchema } from './wire.ts';

/** What every operation of the Replicate driver works with. */
export interface ReplicateApi {
  readonly http: HttpClient;
  readonly context: DriverContext<Settings<typeof REPLICATE_SETTINGS>>;
  readonly options: ReplicateDriverOptions;
  readonly model: ReplicateDemucsModel;
  readonly version: string;
  readonly network: string;
  /** The webhook signing secret: the setting, or fetched once from the API (and registered as a secret). */
  webhookSecret(): Promise<string>;
}

/**
 * The seconds of a 429's body hint, `"Your rate limit resets in ~30s."`, when the answer has no `Retry-After`
 * (undocumented whether production sends one).
 */
export function resetHintSeconds(body: string): number | undefined {
  const match = /resets in ~?(\d{1,5})\s*s/i.exec(body);
  return match ? Number(match[1]) : undefined;
}

/** A fetch that turns a 429's body hint into the `Retry-After` the transport honours. */
function withResetHint(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.status !== 429 || response.headers.has('retry-after')) return response;
    const text = await response.text();
    const seconds = resetHintSeconds(text);
    const headers = new Headers(response.headers);
    if (seconds !== undefined) headers.set('retry-after', String(seconds));
    return new Response(text, { status: 429, statusText: response.statusText, headers });
  };
}

/** Connects to the API: `Authorization: Bearer <token>` on every call; problem+json `detail` is the message. */
export function connect(
  context: ReplicateApi['context'],
  options: ReplicateDriverOptions,
  pinned: { model: ReplicateDemucsModel; version: string; network: string },
): ReplicateApi {
  const { apiToken, baseUrl } = context.settings;
  const http = context.http({
    baseUrl,
    fetch: withResetHint(context.fetch),
    authenticate: () => ({ authorization: `Bearer ${apiToken}` }),
  });
  let secret: Promise<string> | undefined;
  const webhookSecret = () => {
    const given = context.settings.webhookSecret;
    if (given) return Promise.resolve(given);
    secret ??= http
      .call({
        method: 'GET',
        path: 'webhooks/default/secret',
        schema: SecretSchema,
        what: 'read the webhook secret',
      })
      .then(({ data }) => {
        registerSecret(data.key);
        return data.key;
      });
    // A failed fetch is forgotten, so the next callback asks again.
    secret.catch(() => {
      secret = undefined;
    });
    return secret;
  };
  return { http, context, options, ...pinned, webhookSecret };
}

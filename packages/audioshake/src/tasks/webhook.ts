import { type DriverCallOptions, InvalidArgumentError } from '@stemkit/core/driver';
import type { TasksApi } from './api.ts';
import { TasksWebhookSchema } from './wire.ts';

/**
 * `POST /webhooks`: registers the account's one webhook URL (the Tasks API has no per-task callback). From then
 * on the API posts the whole task each time one of its targets completes or fails; `parseCallback` reads it.
 * Registering again replaces the URL. Returns the URL the API holds.
 */
export async function registerWebhook(
  { http }: TasksApi,
  url: string,
  options: DriverCallOptions = {},
): Promise<{ readonly url: string }> {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new InvalidArgumentError('url', 'must be an http(s) URL the Tasks API can reach');
  }
  const { data } = await http.call({
    method: 'POST',
    path: 'webhooks',
    json: { url: parsed.href },
    schema: TasksWebhookSchema,
    // Setting the same URL twice leaves the same state: safe to retry.
    idempotent: true,
    signal: options.signal,
    what: 'register webhook',
  });
  return { url: data.url };
}

import { InvalidArgumentError } from '../errors.ts';

/** The replay window of {@link verifyStandardWebhook} by default: five minutes either side of now, in seconds. */
export const STANDARD_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * What {@link verifyStandardWebhook} checks: a delivery's headers and its body exactly as received.
 */
export interface StandardWebhookDelivery {
  /** The delivery's headers: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
  readonly headers: Headers;
  /** The body as received, never re-serialised: the signature covers these exact characters. */
  readonly rawBody: string;
}

/**
 * Options of {@link verifyStandardWebhook}.
 *
 * @example
 * ```ts
 * const options: StandardWebhookOptions = { secret: 'whsec_…', toleranceSeconds: 300 };
 * ```
 */
export interface StandardWebhookOptions {
  /** The signing secret, `whsec_<base64>` (the prefix is optional). Never logged, never in an error. */
  readonly secret: string;
  /** How far the delivery's timestamp may be from now, in seconds (default 300): older ones are replays. */
  readonly toleranceSeconds?: number;
  /** The current time in ms (default `Date.now()`), for tests and drivers with an injected clock. */
  readonly now?: number;
}

/**
 * Verifies a Standard Webhooks delivery (the Svix scheme Replicate and others sign with): HMAC-SHA256 over
 * `id.timestamp.body` with the base64-decoded secret, compared in constant time with each `v1,` signature of
 * the header, and a timestamp within the replay window. Runs on Web Crypto alone, so in browsers, workers,
 * Node, Bun and Deno alike. Throws `InvalidArgumentError` naming the header that fails (never the secret).
 */
export async function verifyStandardWebhook(
  delivery: StandardWebhookDelivery,
  options: StandardWebhookOptions,
): Promise<void> {
  const id = delivery.headers.get('webhook-id');
  const timestamp = delivery.headers.get('webhook-timestamp');
  const signatures = delivery.headers.get('webhook-signature');
  if (!id) throw new InvalidArgumentError('webhook-id', 'is missing: the callback is not signed');
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
    throw new InvalidArgumentError('webhook-timestamp', 'is missing or not Unix seconds');
  }
  if (!signatures)
    throw new InvalidArgumentError('webhook-signature', 'is missing: the callback is not signed');
  const tolerance = options.toleranceSeconds ?? STANDARD_WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) {
    throw new InvalidArgumentError('webhook-timestamp', `is more than ${tolerance} s from now: a replay`);
  }
  const expected = await signStandardWebhook(id, Number(timestamp), delivery.rawBody, options.secret);
  const matched = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .some(
      ([version, signature]) => version === 'v1' && signature !== undefined && equal(signature, expected),
    );
  if (!matched) throw new InvalidArgumentError('webhook-signature', 'does not match the body: refused');
}

/**
 * The `v1` signature (base64, without the `v1,` label) of a Standard Webhooks delivery: what a provider, or an
 * emulator of one, puts in `webhook-signature`.
 */
export async function signStandardWebhook(
  id: string,
  timestampSeconds: number,
  rawBody: string,
  secret: string,
): Promise<string> {
  const keyBytes = decodeSecret(secret);
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const signed = new TextEncoder().encode(`${id}.${timestampSeconds}.${rawBody}`);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, signed));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function decodeSecret(secret: string): Uint8Array<ArrayBuffer> {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  try {
    const binary = atob(encoded);
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
    if (bytes.length === 0) throw new Error('empty');
    return bytes;
  } catch {
    // The secret itself never goes into the message.
    throw new InvalidArgumentError('webhookSecret', 'must be a whsec_ secret with a base64 key');
  }
}

/** Constant-time comparison of two strings of base64: the time taken says nothing of where they differ. */
function equal(left: string, right: string): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index += 1) {
    difference |= left.charCodeAt(index) ^ right.charCodeAt(index);
  }
  return difference === 0;
}

/**
 * Secret scrubbing. Drivers register the credentials they hold; every error message, serialised error and log
 * line stemkit writes passes through {@link redact}, which also masks credential-shaped text it was never told of
 * (bearer tokens, JWTs, URL signatures, key-like query parameters).
 */

const MASK = '[redacted]';
const registered = new Set<string>();

/**
 * Registers a credential so it is masked wherever stemkit writes text. Values shorter than 4 characters are
 * ignored (masking them would shred ordinary words).
 *
 * @example
 * ```ts
 * registerSecret(process.env.SOURCERE_PASSWORD);
 * ```
 */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) registered.add(value);
}

const SENSITIVE_PARAMETER =
  /([?&](?:[\w-]*signature[\w-]*|[\w-]*credential[\w-]*|sig|token|access_token|api[_-]?key|key|x-amz-security-token)=)[^&#\s"'<>]*/gi;
const BEARER = /\b(Bearer)\s+[\w.~+/=-]+/gi;
const JWT = /\beyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]+/g;
// The header's value, after an auth scheme (`Bearer`, `Basic`…) when there is one: the scheme stays readable, and a
// placeholder such as `<token>` in a hint (`send Authorization: Bearer <token>`) or a value already masked is
// left as it is, so a hint never comes out as `Authorization: [redacted] <token>`.
const HEADER_SECRET =
  /((?:authorization|x-api-key|x-access-token|cookie)["']?\s*[:=]\s*["']?(?:(?:Bearer|Basic|Token|Digest)\s+)?)(?!(?:Bearer|Basic|Token|Digest)\s|<[\w -]+>|\[redacted\])[^"',\s}]+/gi;

/**
 * Returns `text` with every registered secret and every credential-shaped fragment masked.
 *
 * @example
 * ```ts
 * redact('GET https://storage/x?X-Goog-Signature=abc123'); // 'GET https://storage/x?X-Goog-Signature=[redacted]'
 * ```
 */
export function redact(text: string): string {
  let result = text;
  for (const secret of registered) result = result.split(secret).join(MASK);
  return result
    .replace(SENSITIVE_PARAMETER, `$1${MASK}`)
    .replace(BEARER, `$1 ${MASK}`)
    .replace(JWT, MASK)
    .replace(HEADER_SECRET, `$1${MASK}`);
}

/**
 * A URL safe to show: its origin and path, with sensitive query parameters masked.
 *
 * @example
 * ```ts
 * redactUrl('https://storage/x.wav?X-Goog-Signature=abc'); // 'https://storage/x.wav?X-Goog-Signature=[redacted]'
 * ```
 */
export function redactUrl(url: string | URL): string {
  return redact(String(url));
}

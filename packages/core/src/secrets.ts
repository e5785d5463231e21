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

/**
 * HTTP's own credential headers. The rest (`x-api-key`, `X-License-Key`, `xi-api-key`…) are learnt from what each
 * driver's `authenticate` returns, so no list of provider header names is kept anywhere.
 */
const STANDARD_CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];
const credentialHeaders = new Set(STANDARD_CREDENTIAL_HEADERS);
let headerSecret = headerSecretPattern();

function headerSecretPattern(): RegExp {
  const names = [...credentialHeaders].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // Credential-shaped names nobody registered (an `x-api-key` in a provider's error text) are masked too.
  names.push(String.raw`[\w-]*(?:api[-_]?key|access[-_]?token|auth[-_]?token|secret|license[-_]?key)`);
  // The value, after an auth scheme when there is one: the scheme stays readable, and a placeholder such as
  // `<token>` in a hint or a value already masked is left as it is (never `Authorization: [redacted] <token>`).
  return new RegExp(
    `((?:${names.join('|')})["']?\\s*[:=]\\s*["']?(?:(?:Bearer|Basic|Token|Digest)\\s+)?)(?!(?:Bearer|Basic|Token|Digest)\\s|<[\\w -]+>|\\[redacted\\])[^"',\\s}]+`,
    'gi',
  );
}

/**
 * Registers the name of a header that carries a credential: the HTTP toolkit calls it for every header a driver's
 * `authenticate` returns. Such headers are then never sent to a host other than the API's (storage links,
 * downloads), and their values are masked wherever stemkit writes text.
 *
 * @example
 * ```ts
 * registerCredentialHeader('X-License-Key');
 * ```
 */
export function registerCredentialHeader(name: string): void {
  const lower = name.toLowerCase();
  if (credentialHeaders.has(lower) || !/^[!#$%&'*+.^\w`|~-]+$/.test(lower)) return;
  credentialHeaders.add(lower);
  headerSecret = headerSecretPattern();
}

/**
 * The names (lower case) of every header known to carry a credential: HTTP's own (`authorization`, `cookie`…) and
 * each one a driver's `authenticate` has returned in this process.
 *
 * @example
 * ```ts
 * const headers = new Headers(response.headers);
 * for (const name of credentialHeaderNames()) headers.delete(name);
 * ```
 */
export function credentialHeaderNames(): readonly string[] {
  return [...credentialHeaders];
}

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
    .replace(headerSecret, `$1${MASK}`);
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

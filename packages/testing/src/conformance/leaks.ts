// Credentials seen on their way to a host that is not the provider's API, as recorded by every faulty fetch of
// this test file (module state). The conformance suite reads it; nothing else does.

/** Headers that carry a provider credential. */
export const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-access-token', 'cookie'] as const;

const leaks: string[] = [];

/** Records a credential sent to `url` (only its origin and path are kept). */
export function recordLeak(url: URL, header: string): void {
  leaks.push(`${header} sent to ${url.origin}${url.pathname}`);
}

/** Every leak recorded so far. */
export function credentialLeaks(): readonly string[] {
  return leaks;
}

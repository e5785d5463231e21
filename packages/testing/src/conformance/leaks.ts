// Credentials seen on their way to a host that is not the provider's API, as recorded by every faulty fetch of
// this test file (module state). The conformance suite reads it; nothing else does.
import { credentialHeaderNames, redact } from '@stemkit/core/driver';

const leaks: string[] = [];

/**
 * The headers of `headers` that carry a provider credential: one whose name a driver's `authenticate` returned
 * (core learns them), or one whose value holds a registered secret or credential-shaped text (which catches a
 * driver that sends its key under a name it never declared).
 */
export function credentialHeadersIn(headers: Headers): string[] {
  const known = new Set(credentialHeaderNames());
  const found: string[] = [];
  for (const [name, value] of headers) {
    if (known.has(name) || redact(value) !== value) found.push(name);
  }
  return found;
}

/** Records a credential sent to `url` (only its origin and path are kept). */
export function recordLeak(url: URL, header: string): void {
  leaks.push(`${header} sent to ${url.origin}${url.pathname}`);
}

/** Every leak recorded so far. */
export function credentialLeaks(): readonly string[] {
  return leaks;
}

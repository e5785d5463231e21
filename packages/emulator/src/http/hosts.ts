/**
 * Whether the emulator may contact a URL on a user's behalf (callbacks, upload links): only loopback hosts and
 * the reserved `.test` domain (what msw intercepts), so the emulator never reaches the network.
 */
export function isReachableHost(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host.endsWith('.localhost') ||
    host.endsWith('.test')
  );
}

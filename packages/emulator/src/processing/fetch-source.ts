import type { EmulatorContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { isReachableHost } from '../http/hosts.ts';

/**
 * Fetches a link to a storage key, streaming. The emulator reaches no network: only loopback and `.test`
 * hosts are fetched (a link to the emulator's own storage works, as does a local file server).
 */
export async function fetchToStorage(context: EmulatorContext, link: string, key: string): Promise<number> {
  if (!isReachableHost(link)) {
    throw new HttpError(400, 'The emulator fetches only loopback (127.0.0.1, localhost) or .test links');
  }
  let response: Response;
  try {
    response = await fetch(link, { signal: context.clock.signal });
  } catch {
    throw new HttpError(400, 'The link could not be fetched');
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new HttpError(400, `The link answered HTTP ${response.status}`);
  }
  return context.objects.write(key, response.body);
}

/** The last path segment of a link, as a file name. */
export function nameFromLink(link: string): string {
  const segment = new URL(link).pathname.split('/').filter(Boolean).at(-1);
  return segment ? decodeURIComponent(segment) : 'download';
}

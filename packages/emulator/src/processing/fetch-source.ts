import type { EmulatorContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { RefusedTarget, requestLoopback } from '../http/outbound.ts';

const onlyLoopback = 'The emulator fetches only loopback (127.0.0.1, localhost) or .test links';

/**
 * Fetches a link to a storage key, streaming. The emulator reaches no network: only loopback and `.test`
 * hosts are fetched, redirects included (a link to the emulator's own storage works, as does a local file
 * server).
 */
export async function fetchToStorage(context: EmulatorContext, link: string, key: string): Promise<number> {
  let response: Awaited<ReturnType<typeof requestLoopback>>;
  try {
    response = await requestLoopback(link, { signal: context.clock.signal });
  } catch (error) {
    if (error instanceof RefusedTarget) throw new HttpError(400, `${onlyLoopback}: ${error.message}`);
    throw new HttpError(400, 'The link could not be fetched');
  }
  if (response.status < 200 || response.status > 299) {
    response.body.resume();
    throw new HttpError(400, `The link answered HTTP ${response.status}`);
  }
  return context.objects.write(key, response.body).catch(() => {
    throw new HttpError(400, 'The link could not be fetched');
  });
}

/** The last path segment of a link, as a file name. */
export function nameFromLink(link: string): string {
  const segment = new URL(link).pathname.split('/').filter(Boolean).at(-1);
  if (!segment) return 'download';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

import type { EmulatorContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { RefusedTarget, requestLoopback } from '../http/outbound.ts';
import { TooLargeError } from '../storage/objects.ts';

const onlyLoopback = 'The emulator fetches only loopback (127.0.0.1, localhost) or .test links';

/**
 * Fetches a link to a storage key, streaming. The emulator reaches no network: only loopback and `.test`
 * hosts are fetched, redirects included (a link to the emulator's own storage works, as does a local file
 * server). Bounded like an upload: a body past `maxUploadBytes` is a 413 (a declared length already past it
 * is refused before its body is read), and the whole fetch past `linkTimeoutMs` a 400, nothing kept either
 * way.
 */
export async function fetchToStorage(context: EmulatorContext, link: string, key: string): Promise<number> {
  const { maxUploadBytes, linkTimeoutMs } = context.options;
  // A total deadline over headers and body: the idle timeout alone lets a link dripping a byte at a time
  // hold the request for as long as it likes.
  const deadline = AbortSignal.timeout(linkTimeoutMs);
  const signal = AbortSignal.any([context.clock.signal, deadline]);
  const timedOut = () =>
    new HttpError(400, `The link did not deliver its file within ${linkTimeoutMs / 1000} s`);
  const tooLarge = () => new HttpError(413, `The linked file is larger than ${maxUploadBytes} bytes`);
  let response: Awaited<ReturnType<typeof requestLoopback>>;
  try {
    response = await requestLoopback(link, { signal });
  } catch (error) {
    if (error instanceof RefusedTarget) throw new HttpError(400, `${onlyLoopback}: ${error.message}`);
    if (deadline.aborted) throw timedOut();
    throw new HttpError(400, 'The link could not be fetched');
  }
  if (response.status < 200 || response.status > 299) {
    response.body.resume();
    throw new HttpError(400, `The link answered HTTP ${response.status}`);
  }
  if (Number(response.body.headers['content-length']) > maxUploadBytes) {
    response.body.destroy();
    throw tooLarge();
  }
  return context.objects.write(key, response.body, { maxBytes: maxUploadBytes }).catch((error: unknown) => {
    if (error instanceof TooLargeError) throw tooLarge();
    if (deadline.aborted) throw timedOut();
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

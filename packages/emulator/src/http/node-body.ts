import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

interface NodeBody {
  stream: Readable;
  /** Tells a client waiting on `Expect: 100-continue` to send the body; the first read calls it. */
  start: () => void;
}

// The Node transport hands routes its IncomingMessage too: piping it straight to disk keeps Node's own
// backpressure, where a round trip through a web stream would buffer a fast upload in memory.
const nodeBodies = new WeakMap<Request, NodeBody>();

/** Records the Node stream behind a request's body (the Node transport only). */
export function attachNodeBody(
  request: Request,
  stream: Readable,
  start: () => void = () => undefined,
): void {
  nodeBodies.set(request, { stream, start });
}

/** A request's body as a Node stream: the original one when there is one, else the web stream converted. */
export function bodyStream(request: Request): Readable | undefined {
  const original = nodeBodies.get(request);
  if (original) {
    original.start();
    return original.stream;
  }
  return request.body ? Readable.fromWeb(request.body as WebReadableStream<Uint8Array>) : undefined;
}

/**
 * Throws away the unread rest of a body taken with {@link bodyStream}, once a route has its answer. A socket's
 * body is read to its end and dropped, so the client finishes sending and then reads the answer; a web body is
 * cancelled, there being nobody on the other side to wait for.
 */
export function discardBody(request: Request, body: Readable): void {
  body.on('error', () => undefined);
  if (nodeBodies.get(request)?.stream === body) {
    body.removeAllListeners('data');
    body.resume();
  } else {
    body.destroy();
  }
}

import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

// The Node transport hands routes its IncomingMessage too: piping it straight to disk keeps Node's own
// backpressure, where a round trip through a web stream would buffer a fast upload in memory.
const nodeBodies = new WeakMap<Request, Readable>();

/** Records the Node stream behind a request's body (the Node transport only). */
export function attachNodeBody(request: Request, body: Readable): void {
  nodeBodies.set(request, body);
}

/** A request's body as a Node stream: the original one when there is one, else the web stream converted. */
export function bodyStream(request: Request): Readable | undefined {
  const original = nodeBodies.get(request);
  if (original) return original;
  return request.body ? Readable.fromWeb(request.body as WebReadableStream<Uint8Array>) : undefined;
}

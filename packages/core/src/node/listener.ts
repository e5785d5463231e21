import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Adapts a Web-standard handler — such as {@link createCallbackReceiver}'s — to `node:http` and Express:
 * `(request, response) => void`. A body Express already parsed (`express.json()`, `express.raw()`) is used as it
 * is; otherwise the request streams in. Whatever the handler does, the request is answered (500 at worst, with
 * no error text).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createCallbackReceiver, toNodeListener } from '@stemkit/core/node';
 *
 * createServer(toNodeListener(createCallbackReceiver(stemkit))).listen(8080);
 * // Express: app.post('/stemkit/callbacks', toNodeListener(createCallbackReceiver(stemkit)));
 * ```
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (incoming, outgoing) => {
    const serve = async () => {
      const response = await handler(toRequest(incoming));
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    };
    serve().catch(() => {
      if (outgoing.headersSent) outgoing.destroy();
      else
        outgoing.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"internal error"}');
    });
  };
}

function toRequest(incoming: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = incoming.method ?? 'GET';
  const url = new URL(incoming.url ?? '/', 'http://localhost');
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
  // Express's body parsers leave what they read on `body`, and the stream consumed.
  const parsed = (incoming as { body?: unknown }).body;
  if (parsed !== undefined && incoming.readableEnded) {
    headers.delete('content-length');
    const body =
      typeof parsed === 'string' || parsed instanceof Uint8Array
        ? new Blob([parsed as string | Uint8Array<ArrayBuffer>])
        : JSON.stringify(parsed);
    return new Request(url, { method, headers, body });
  }
  const body = Readable.toWeb(incoming) as ReadableStream<Uint8Array>;
  return new Request(url, { method, headers, body, duplex: 'half' } as RequestInit);
}

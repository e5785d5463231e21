import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Adapts a Web-standard handler — such as {@link createCallbackReceiver}'s — to `node:http` and Express:
 * `(request, response) => void`. The request streams in as it came; a body Express already read is taken only
 * raw — a Buffer or string, as `express.raw({ type: 'application/json' })` or `express.text()` leave it —
 * because a signature covers the exact bytes: a body already parsed into an object (`express.json()`) is never
 * re-serialised, the request is refused with 415 and a message saying to mount `express.raw()` instead.
 * Whatever the handler does, the request is answered (500 at worst, with no error text).
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (incoming, outgoing) => {
    const serve = async () => {
      const request = toRequest(incoming);
      const response = request ? await handler(request) : parsedBodyRefused();
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

/** The answer to a body a parser already turned into an object: its exact bytes are gone. */
function parsedBodyRefused(): Response {
  return Response.json(
    {
      message:
        'the body was already parsed into an object; mount express.raw({ type: "application/json" }) (or no body parser) on this route',
    },
    { status: 415 },
  );
}

/** The Web request of a Node one, or `undefined` when a parser left only an object (never re-serialised). */
function toRequest(incoming: IncomingMessage): Request | undefined {
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
    if (typeof parsed !== 'string' && !(parsed instanceof Uint8Array)) return undefined;
    headers.delete('content-length');
    return new Request(url, {
      method,
      headers,
      body: new Blob([parsed as string | Uint8Array<ArrayBuffer>]),
    });
  }
  const body = Readable.toWeb(incoming) as ReadableStream<Uint8Array>;
  return new Request(url, { method, headers, body, duplex: 'half' } as RequestInit);
}

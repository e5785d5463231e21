import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { resetHeader } from '../faults.ts';
import { attachNodeBody } from './node-body.ts';

/** Answers a Web `Request`; the path is already relative to the API's base. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Picks the handler of a path and the path below its base; `undefined` is a 404. */
export type Router = (pathname: string) => { handle: FetchHandler; path: string } | undefined;

/** Told of each request once it is answered: what a test counts (429s, requests per second). */
export type ResponseObserver = (event: { method: string; path: string; status: number; at: number }) => void;

export interface NodeListener {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function toRequest(incoming: IncomingMessage, origin: string, path: string, start: () => void): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = incoming.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(`${origin}${path}`, { method, headers });
  // The web body is made only if a route reads it (highWaterMark 0: nothing is pulled before); streaming routes
  // take the IncomingMessage itself.
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!reader) {
          start();
          reader = (Readable.toWeb(incoming) as ReadableStream<Uint8Array>).getReader();
        }
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel() {
        incoming.destroy();
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request(`${origin}${path}`, { method, headers, body, duplex: 'half' } as RequestInit);
  attachNodeBody(request, incoming, start);
  return request;
}

async function respond(
  response: Response,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  if (response.headers.has(resetHeader)) {
    await response.body?.cancel();
    incoming.socket.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  outgoing.writeHead(response.status, headers);
  if (!response.body || incoming.method === 'HEAD') {
    await response.body?.cancel();
    outgoing.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), outgoing);
}

/**
 * Serves Web-standard handlers on 127.0.0.1 with node:http: request bodies stream in, response bodies stream
 * out, and a reset fault destroys the socket instead of answering.
 */
export function listen(port: number, route: Router, observe?: ResponseObserver): Promise<NodeListener> {
  let origin = '';
  // A client sending `Expect: 100-continue` is told to go ahead only when a route reads the body: one answered
  // from its headers alone (401, or 413 on its content-length) never has the body sent, and Node then closes
  // the connection after the answer, as the client may or may not send it.
  const serve = (incoming: IncomingMessage, outgoing: ServerResponse, awaitingContinue: boolean) => {
    let waiting = awaitingContinue;
    const start = () => {
      if (!waiting) return;
      waiting = false;
      if (!outgoing.headersSent) outgoing.writeContinue();
    };
    const handle = async () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      if (observe) {
        outgoing.once('finish', () =>
          observe({
            method: incoming.method ?? 'GET',
            path: url.pathname,
            status: outgoing.statusCode,
            at: Date.now(),
          }),
        );
      }
      const target = route(url.pathname);
      if (!target) {
        outgoing.writeHead(404, { 'content-type': 'application/json' });
        outgoing.end(
          JSON.stringify({ status: 404, error: 'Not Found', message: 'No emulated API at this path' }),
        );
        return;
      }
      const response = await target.handle(toRequest(incoming, origin, `${target.path}${url.search}`, start));
      await respond(response, incoming, outgoing);
    };
    // Whatever a request does, its failure ends here, as a 500 or a dropped connection: never the process.
    handle().catch(() => {
      try {
        if (outgoing.headersSent) throw new Error('The answer had begun');
        outgoing.writeHead(500, { 'content-type': 'application/json' });
        outgoing.end(
          JSON.stringify({ status: 500, error: 'Internal Server Error', message: 'Internal server error' }),
        );
      } catch {
        outgoing.destroy();
      }
    });
  };
  const server = createServer((incoming, outgoing) => serve(incoming, outgoing, false));
  server.on('checkContinue', (incoming: IncomingMessage, outgoing: ServerResponse) =>
    serve(incoming, outgoing, true),
  );
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address() as AddressInfo;
      origin = `http://127.0.0.1:${address.port}`;
      resolve({
        server,
        url: origin,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

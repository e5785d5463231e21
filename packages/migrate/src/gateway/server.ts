import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { createGateway, type Gateway } from './app.ts';
import type { GatewayOptions } from './options.ts';

/** Options of {@link startGateway}: the gateway's, plus where it listens. */
export interface StartGatewayOptions extends GatewayOptions {
  /** Port (default 0: a free one, shown in `url`). */
  readonly port?: number;
  /**
   * Interface to listen on (default `127.0.0.1`; `::1` works too). Listening on every interface (`0.0.0.0`,
   * `::`) needs `publicUrl`, since links must name an address clients can reach.
   */
  readonly host?: string;
}

/**
 * A gateway listening over HTTP.
 *
 * @example
 * ```ts
 * const running: RunningGateway = await startGateway({ driver, token });
 * running.url; // 'http://127.0.0.1:41234'
 * ```
 */
export interface RunningGateway {
  /** The base URL legacy clients use as their API host: `publicUrl` when given, else {@link listeningUrl}. */
  readonly url: string;
  /** Where the server listens (`http://[::1]:8080`), whatever `publicUrl` says. */
  readonly listeningUrl: string;
  /** The gateway being served. */
  readonly gateway: Gateway;
  /** Closes the gateway, drops open connections and stops the HTTP server. */
  close(): Promise<void>;
}

const everyInterface = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * Serves {@link createGateway} on Node's HTTP server (loopback by default). Request bodies stream in and
 * response bodies stream out; a request that fails in any way is answered 500 or dropped, never the process.
 *
 * @example
 * ```ts
 * const running = await startGateway({ driver: audioshakeTasks({ apiKey }), token: 'gateway-token', port: 8080 });
 * const legacy = audioshakeLegacy({ baseUrl: running.url, token: 'gateway-token' });
 * ```
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? '127.0.0.1';
  if (everyInterface.has(host) && !options.publicUrl) {
    throw new RangeError(
      `Listening on ${host || 'every interface'} needs publicUrl: links must name a reachable address`,
    );
  }
  let origin = '';
  let gateway: Gateway | undefined;
  const server = createServer((incoming, outgoing) => {
    serve(gateway as Gateway, origin, incoming, outgoing).catch(() => {
      try {
        if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'application/json' });
        outgoing.end();
      } catch {
        outgoing.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host.replace(/^\[|\]$/g, ''), () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  origin = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const url = (options.publicUrl ?? origin).replace(/\/+$/, '');
  try {
    gateway = createGateway({ ...options, publicUrl: url });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const running = gateway;
  return {
    url,
    listeningUrl: origin,
    gateway: running,
    async close() {
      await running.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A request body as a web stream with Node's backpressure, and a way to throw away what nobody read. Either
 * way (cancelled, or the route answered without reading it all) the rest is read and dropped rather than the
 * socket destroyed, so the client finishes sending and reads the answer.
 */
function webBody(incoming: IncomingMessage): { body: ReadableStream<Uint8Array>; discard(): void } {
  let open = true;
  const discard = () => {
    open = false;
    incoming.resume();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        incoming.on('data', (chunk: Buffer) => {
          if (!open) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
        });
        incoming.on('end', () => {
          if (open) controller.close();
          open = false;
        });
        incoming.on('error', (error) => {
          if (open) controller.error(error);
          open = false;
        });
        incoming.pause();
      },
      pull() {
        incoming.resume();
      },
      cancel: discard,
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  return { body, discard };
}

async function serve(gateway: Gateway, origin: string, incoming: IncomingMessage, outgoing: ServerResponse) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = incoming.method ?? 'GET';
  const aborted = new AbortController();
  outgoing.on('close', () => {
    if (!outgoing.writableFinished) aborted.abort();
  });
  // A client that hangs up mid-request errors the body stream; that is handled by whoever reads it.
  incoming.on('error', () => aborted.abort());
  const withBody = method !== 'GET' && method !== 'HEAD';
  const body = withBody ? webBody(incoming) : undefined;
  const request = new Request(new URL(incoming.url ?? '/', origin), {
    method,
    headers,
    signal: aborted.signal,
    ...(body ? { body: body.body, duplex: 'half' } : {}),
  } as RequestInit);
  const response = await gateway.fetch(request);
  // Answered: whatever of the body is still unread goes nowhere.
  body?.discard();
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  outgoing.writeHead(response.status, responseHeaders);
  if (!response.body || method === 'HEAD') {
    await response.body?.cancel();
    outgoing.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeWebReadableStream<Uint8Array>), outgoing);
}

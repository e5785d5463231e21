import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { createGateway, type Gateway } from './app.ts';
import type { GatewayOptions } from './options.ts';

/** Options of {@link startGateway}: the gateway's, plus where it listens. */
export interface StartGatewayOptions extends GatewayOptions {
  /** Port on 127.0.0.1 (default 0: a free one). */
  readonly port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
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
  /** The base URL legacy clients use as their API host. */
  readonly url: string;
  /** The gateway being served. */
  readonly gateway: Gateway;
  /** Closes the gateway, drops open connections and stops the HTTP server. */
  close(): Promise<void>;
}

/**
 * Serves {@link createGateway} on Node's HTTP server (loopback by default). Request bodies stream in and
 * response bodies stream out.
 *
 * @example
 * ```ts
 * const running = await startGateway({ driver: audioshakeTasks({ apiKey }), token: 'gateway-token', port: 8080 });
 * const legacy = audioshakeLegacy({ baseUrl: running.url, token: 'gateway-token' });
 * ```
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? '127.0.0.1';
  let url = '';
  let gateway: Gateway | undefined;
  const server = createServer((incoming, outgoing) => {
    serve(gateway as Gateway, url, incoming, outgoing).catch(() => {
      if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'application/json' });
      outgoing.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${host}:${port}`;
  gateway = createGateway({ publicUrl: url, ...options });
  const running = gateway;
  return {
    url,
    gateway: running,
    async close() {
      await running.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
  const request = new Request(`${origin}${incoming.url ?? '/'}`, {
    method,
    headers,
    signal: aborted.signal,
    ...(method === 'GET' || method === 'HEAD'
      ? {}
      : { body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>, duplex: 'half' }),
  } as RequestInit);
  const response = await gateway.fetch(request);
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

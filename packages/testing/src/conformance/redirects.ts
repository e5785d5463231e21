// The redirect trap of the conformance suite: a loopback "redirector" that answers every request with a redirect
// to a loopback "trap" on another port (another origin), and the switch that sends a faulty fetch's next API GET
// to the redirector.
import { credentialHeadersIn } from './leaks.ts';

/** Each faulty fetch's switch: its next API GET goes to the given origin (same path and query) instead; once. */
export const redirectSwitches = new WeakMap<object, (origin: string | undefined) => void>();

/** A running redirector and trap. */
export interface RedirectTrap {
  /** Where armed API requests go: it answers 302 (GET, HEAD) or 307 (the rest) to the trap. */
  readonly redirectorOrigin: string;
  /** Requests the redirector received. */
  redirected(): number;
  /** The credential headers that reached the trap, as `name sent to path`. */
  credentialsSeen(): readonly string[];
  /** Stops both servers. */
  close(): Promise<void>;
}

/**
 * Starts the redirector and the trap on 127.0.0.1. `node:http` is loaded here, on first use, so the package's
 * main entry stays free of Node modules.
 */
export async function startRedirectTrap(): Promise<RedirectTrap> {
  const { createServer } = await import('node:http');
  const seen: string[] = [];
  let redirected = 0;
  const trap = createServer((request, response) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    for (const name of credentialHeadersIn(headers)) seen.push(`${name} sent to ${request.url ?? '/'}`);
    request.resume();
    response
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"error":"the conformance redirect trap"}');
  });
  const trapOrigin = await listen(trap);
  const redirector = createServer((request, response) => {
    redirected++;
    request.resume();
    const status = request.method === 'GET' || request.method === 'HEAD' ? 302 : 307;
    response.writeHead(status, { location: `${trapOrigin}${request.url ?? '/'}` }).end();
  });
  const redirectorOrigin = await listen(redirector);
  const stop = (server: typeof trap) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    redirectorOrigin,
    redirected: () => redirected,
    credentialsSeen: () => seen,
    close: async () => {
      await Promise.all([stop(trap), stop(redirector)]);
    },
  };
}

async function listen(server: import('node:http').Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the redirect trap has no port');
  return `http://127.0.0.1:${address.port}`;
}

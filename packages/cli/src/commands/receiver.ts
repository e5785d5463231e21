import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BatchCallbacks } from '@stemkit/batch';
import type { NodeStemkit } from '@stemkit/core/node';
import { UsageError } from '../errors.ts';
import type { Reporter } from '../output/reporter.ts';

/** The callback flags of `batch` and `worker`. */
export interface CallbackFlags {
  readonly listen?: string;
  readonly callbackUrl?: string;
}

/** A callback receiver serving on a port, and what the batch passes with each job. */
export interface RunningReceiver {
  readonly callbacks: BatchCallbacks;
  close(): Promise<void>;
}

/** Reads `--listen [host:]port`; the host is loopback unless one is given. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[?([^\]]*?)\]?:)?(\d+)$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || port > 65_535) {
    throw new UsageError(`--listen must be a port or host:port, e.g. 8080 or 0.0.0.0:8080 (got "${text}")`);
  }
  return { host: match[1] || '127.0.0.1', port };
}

/** Checks the callback flags before anything starts. */
export function checkCallbackFlags(flags: CallbackFlags): void {
  if (flags.callbackUrl !== undefined && flags.listen === undefined) {
    throw new UsageError(
      '--callback-url needs --listen: callbacks wake the tracks of the process that receives them',
    );
  }
  if (flags.callbackUrl !== undefined && !/^https?:\/\/[^/]/i.test(flags.callbackUrl)) {
    throw new UsageError(`--callback-url must be an http(s) URL (got "${flags.callbackUrl}")`);
  }
  if (flags.listen !== undefined) parseListen(flags.listen);
}

/**
 * Serves `createCallbackReceiver(stemkit)` on `--listen`: callbacks that reach it wake this process's tracks.
 * A provider that takes a callback URL per job gets `--callback-url` (default: the listening address); for the
 * Tasks API, whose account webhook is registered once, the receiver's address is said in a note.
 */
export async function startReceiver(
  stemkit: NodeStemkit,
  flags: CallbackFlags,
  reporter: Reporter,
): Promise<RunningReceiver | undefined> {
  if (flags.listen === undefined) return undefined;
  const { host, port } = parseListen(flags.listen);
  const kind = stemkit.capabilities.callbacks;
  if (kind === false || !stemkit.capabilities.parseCallbacks) {
    throw new UsageError(`--listen: ${stemkit.provider} sends no callbacks`);
  }
  if (kind === 'account' && flags.callbackUrl !== undefined) {
    throw new UsageError(
      `--callback-url: ${stemkit.provider} calls the account's webhook instead; register it (POST /webhooks) to reach --listen`,
    );
  }
  const { createCallbackReceiver, toNodeListener } = await import('@stemkit/core/node');
  const server = createServer(toNodeListener(createCallbackReceiver(stemkit)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UsageError(`--listen: cannot listen on ${host}:${port} (${error.code ?? error.message})`)),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const name = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const listening = `http://${name}:${address.port}/`;
  const url = flags.callbackUrl ?? listening;
  reporter.note(
    kind === 'per-job'
      ? `callbacks: receiving at ${listening}; each job calls back ${url}`
      : `callbacks: receiving at ${listening}; the account's webhook must point here (POST /webhooks)`,
  );
  return {
    callbacks: kind === 'per-job' ? { url } : {},
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

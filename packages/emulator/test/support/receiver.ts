import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP receiver for callbacks and webhooks; it can refuse the first N posts with 500. */
export interface Receiver {
  url: string;
  bodies: unknown[];
  /** Posts answered with a failure so far. */
  refused: number;
  close(): Promise<void>;
}

export async function startReceiver(
  options: { failFirst?: number; status?: number } = {},
): Promise<Receiver> {
  const bodies: unknown[] = [];
  let server: Server | undefined;
  const receiver: Receiver = {
    url: '',
    bodies,
    refused: 0,
    close: () => new Promise((resolve) => server?.close(() => resolve())),
  };
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (receiver.refused < (options.failFirst ?? 0)) {
        receiver.refused += 1;
        response.writeHead(500).end();
        return;
      }
      bodies.push(JSON.parse(Buffer.concat(chunks).toString() || 'null'));
      response.writeHead(options.status ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

// A callback is a hint that something changed: parse it to find the job, then fetch the truth with `get`.
import { createServer } from 'node:http';
import { createStemkit } from '@stemkit/core/node';
import { sourcere } from '@stemkit/sourcere';

const [source = './song.wav'] = process.argv.slice(2);
const stemkit = createStemkit({ driver: sourcere() });

let finish: (status: string) => void = () => undefined;
const finished = new Promise<string>((resolve) => {
  finish = resolve;
});
const server = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  response.end();
  const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const hint = await stemkit.callbacks.parse({ headers: new Headers(), body });
  const job = await stemkit.get(hint.handle); // never trust the callback body itself
  if (job.status !== 'queued' && job.status !== 'running') finish(job.status);
});
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('no port');

await stemkit.separate({
  source,
  stems: ['vocals', 'instrumental'],
  callbackUrl: `http://127.0.0.1:${address.port}/stems-ready`,
});
console.log(`callback says: ${await finished}`);
server.close();

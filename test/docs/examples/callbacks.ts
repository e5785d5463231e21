// Callbacks are hints that wake a wait: the receiver never believes a body, the woken wait's poll does the rest.
import { createServer } from 'node:http';
import { createCallbackReceiver, createStemkit, toNodeListener } from '@stemkit/core/node';
import { sourcere } from '@stemkit/sourcere';

const [source = './song.wav'] = process.argv.slice(2);
const stemkit = createStemkit({ driver: sourcere() });

// A Web-standard (Request) => Response handler, served here on node:http (Express: the same listener on a route).
const server = createServer(toNodeListener(createCallbackReceiver(stemkit)));
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('no port');

const job = await stemkit.separate({
  source,
  stems: ['vocals', 'instrumental'],
  callbackUrl: `http://127.0.0.1:${address.port}/stemkit/callbacks`,
});
// Polls a minute apart as a safety net: the callback brings the next poll forward, and that poll confirms it.
const done = await stemkit.wait(job, { initialDelayMs: 60_000, maxDelayMs: 60_000 });
console.log(`woken by the callback: ${done.status}`);
server.close();

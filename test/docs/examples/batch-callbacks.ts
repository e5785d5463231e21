// A batch on the Tasks API woken by its account webhook: about one status request per job instead of a schedule.
import { createServer } from 'node:http';
import { audioshakeTasks } from '@stemkit/audioshake';
import { openBatchQueue, readBatchInput, runBatch } from '@stemkit/batch';
import { createCallbackReceiver, createStemkit, toNodeListener } from '@stemkit/core/node';

const [input = './masters', out = './stems'] = process.argv.slice(2);
const apiKey = process.env.AUDIOSHAKE_API_KEY ?? '';
const baseUrl = process.env.AUDIOSHAKE_BASE_URL ?? 'https://api.audioshake.ai';

const queue = await openBatchQueue({ directory: `${out}/.stemkit-batch` });
const stemkit = createStemkit({
  driver: audioshakeTasks({
    apiKey,
    baseUrl,
    fetch: queue.rateLimitedFetch({ requestsPerSecond: 50, key: 'main' }),
  }),
});
// The receiver wakes the waits of this same client: serve it from the process that runs the batch.
const server = createServer(toNodeListener(createCallbackReceiver(stemkit)));
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('no port');
try {
  // The Tasks API calls one webhook per account: register an address of this receiver that it reaches (a
  // public one in production; loopback suits the emulator).
  const registered = await fetch(`${baseUrl}/webhooks`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${address.port}/stemkit/callbacks` }),
  });
  if (!registered.ok) throw new Error(`registering the webhook answered ${registered.status}`);

  const items = await readBatchInput(input);
  // Sourcere and the legacy API take a URL per job instead: callbacks: { url: 'https://…/stemkit/callbacks' }.
  for await (const result of runBatch(stemkit, items, { out, queue, stems: ['vocals'], callbacks: {} })) {
    console.log(`${result.name}: ${result.status}`);
  }
} finally {
  server.close();
  await queue.close();
}

// The receiver is a plain (Request) => Response: Hono mounts it on a route; Bun and Deno serve the app as it is.
import { audioshakeTasks } from '@stemkit/audioshake';
import { createCallbackReceiver, createStemkit } from '@stemkit/core';
import { Hono } from 'hono';

const stemkit = createStemkit({ driver: audioshakeTasks() });
const receive = createCallbackReceiver(stemkit, {
  // Told of each confirmed change once, as the provider reports it: never of a forged or repeated callback.
  onJob: (job) => console.log(`job ${job.id}: ${job.status}`),
});

export const app = new Hono();
app.post('/stemkit/callbacks', (context) => receive(context.req.raw));

// A body that is not the provider's callback is refused (400) without a request to the provider.
const forged = await app.request('/stemkit/callbacks', { method: 'POST', body: '{"hello":"world"}' });
console.log(`not a callback: ${forged.status}`);

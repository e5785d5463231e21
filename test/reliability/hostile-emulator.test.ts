import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { audioshakeTasks } from '@stemkit/audioshake';
import { createCallbackReceiver, createStemkit, toNodeListener } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// Regression tests of issue #26 (hostile input, round 3) that need the emulator and a client together, each
// named after its attack. The emulator's own items are in packages/emulator/test/hostile-emulator.test.ts.

const forgedCount = 500;

let emulator: RunningEmulator;
/** Requests the Tasks API answered, by status. */
const answered: number[] = [];
let receiver: Server | undefined;

beforeAll(async () => {
  // The documented 60 requests per second: a burst of confirmations meets 429s, as on the real API.
  emulator = await startEmulator({
    onResponse: (event) => {
      if (event.path.startsWith('/tasks/') || event.path.includes('/tasks/')) answered.push(event.status);
    },
  });
});
afterEach(async () => {
  if (receiver) {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    receiver = undefined;
  }
});
afterAll(() => emulator.close());

/** A Tasks webhook body for a task nobody has, claiming it finished. */
function forgedWebhook(index: number): string {
  const id = `cm${String(index).padStart(23, '0')}`;
  return JSON.stringify({
    id,
    status: 'completed',
    targets: [{ id: `t${index}`, model: 'vocals', status: 'completed', output: [] }],
  });
}

/** Serves a receiver on loopback and POSTs `forgedCount` forged webhooks to it at once; returns the answers. */
async function forgeBurst(onJob?: () => void): Promise<Response[]> {
  const stemkit = createStemkit({
    // Default transport retries (3): the receiver must not use them for its confirmations.
    driver: audioshakeTasks({ baseUrl: emulator.tasks.baseUrl, apiKey: emulator.tasks.apiKey }),
  });
  receiver = createServer(toNodeListener(createCallbackReceiver(stemkit, onJob ? { onJob } : {})));
  await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  return Promise.all(
    Array.from({ length: forgedCount }, (_, index) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: forgedWebhook(index),
      }),
    ),
  );
}

describe('#26 forged callbacks cost at most one provider request each', () => {
  it('#26 500 concurrent forged Tasks webhooks with unknown ids cost at most 500 provider requests, 429 retries included', async () => {
    answered.length = 0;
    let told = 0;
    const answers = await forgeBurst(() => {
      told += 1;
    });
    const statuses = answers.map((response) => response.status);
    await Promise.all(answers.map((response) => response.body?.cancel()));
    // One confirmation each, never repeated by the transport: the 429s of the burst are not retried.
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThanOrEqual(forgedCount);
    expect(answered.every((status) => status === 404 || status === 429)).toBe(true);
    expect(told).toBe(0);
    // An unknown id is accepted as a hint (204); one the provider could not confirm now is to be sent again.
    expect(statuses.every((status) => status === 204 || status === 503)).toBe(true);
    const busy = answers.filter((response) => response.status === 503);
    expect(busy.length).toBe(answered.filter((status) => status === 429).length);
    for (const response of busy) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    console.info(
      `#26 forged webhooks: ${forgedCount} sent, ${answered.length} provider requests ` +
        `(${answered.filter((status) => status === 429).length} answered 429), ${busy.length} answered 503`,
    );
  });

  it('#26 without onJob and without a wait, 500 forged Tasks webhooks cost no provider request', async () => {
    answered.length = 0;
    const answers = await forgeBurst();
    await Promise.all(answers.map((response) => response.body?.cancel()));
    expect(answers.every((response) => response.status === 204)).toBe(true);
    expect(answered).toEqual([]);
  });
});

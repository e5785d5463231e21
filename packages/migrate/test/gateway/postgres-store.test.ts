import { audioshakeLegacy } from '@stemkit/audioshake';
import type { RunningEmulator } from '@stemkit/emulator';
import { type RunningPostgres, startPostgres } from '@stemkit/testing/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresGatewayStore, type RunningGateway, startGateway } from '../../src/gateway/index.ts';
import { startFastEmulator } from '../support/emulator.ts';
import { clientFor, downloadBytes, sampleSong, sha256, startReceiver } from '../support/http.ts';
import { backendDriver, GATEWAY_TOKEN } from './harness.ts';

// Several gateways behind one load balancer: each answers for the jobs any of them handed out, and each job's
// callbacks are sent by one of them.

let postgres: RunningPostgres;
let emulator: RunningEmulator;

beforeAll(async () => {
  postgres = await startPostgres();
  // Slow enough that a job is still running while another gateway starts.
  emulator = await startFastEmulator({ processing: { speed: 5 } });
});

afterAll(async () => {
  await emulator?.close();
  await postgres?.stop();
});

/** A gateway on the shared database, with what to close after it. */
async function gateway(): Promise<{ running: RunningGateway; close(): Promise<void> }> {
  const store = postgresGatewayStore(postgres.url);
  const running = await startGateway({
    driver: backendDriver(emulator, 'tasks'),
    token: GATEWAY_TOKEN,
    store,
    wait: { initialDelayMs: 50, maxDelayMs: 200 },
    allowPrivateNetwork: true,
  });
  return {
    running,
    async close() {
      await running.close();
      await store.close();
    },
  };
}

const client = (running: RunningGateway) =>
  clientFor(audioshakeLegacy({ token: GATEWAY_TOKEN, baseUrl: running.url, timeoutMs: 20_000 }));

/** The statuses of the callbacks about `id`, once the last is `completed`. */
async function callbacksAbout(receiver: Awaited<ReturnType<typeof startReceiver>>, id: string) {
  const statuses = () =>
    receiver.bodies
      .map((body) => (body as { job: { id: string; status: string } }).job)
      .filter((job) => job.id === id)
      .map((job) => job.status);
  const deadline = Date.now() + 30_000;
  while (!statuses().includes('completed') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // A second sender would deliver at about the same time: give it the same moment.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return statuses();
}

describe('gateways sharing a PostgreSQL store', () => {
  it('serve through one what was created through another, and send each callback once', async () => {
    const receiver = await startReceiver();
    const first = await gateway();
    let second: Awaited<ReturnType<typeof gateway>> | undefined;
    let third: Awaited<ReturnType<typeof gateway>> | undefined;
    try {
      const started = await client(first.running).separate({
        source: sampleSong(1),
        name: 'song.wav',
        stems: ['vocals'],
        callbackUrl: receiver.url,
      });
      // A second gateway starts while the job runs: it serves it, and leaves its callbacks to the first.
      second = await gateway();
      const viaSecond = client(second.running);
      const job = await viaSecond.wait(started.handle);
      expect(job.status).toBe('succeeded');
      const bytes = await downloadBytes(viaSecond, job.targets[0]!.outputs[0]!);
      const viaFirst = client(first.running);
      const seen = await viaFirst.get(started.handle);
      expect(sha256(await downloadBytes(viaFirst, seen.targets[0]!.outputs[0]!))).toBe(sha256(bytes));
      const statuses = await callbacksAbout(receiver, started.handle.id);
      expect(statuses.filter((status) => status === 'completed')).toEqual(['completed']);

      // The first stops with a job still running: the next gateway to start takes its callbacks over.
      const orphan = await client(first.running).separate({
        source: sampleSong(2),
        name: 'other.wav',
        stems: ['vocals'],
        callbackUrl: receiver.url,
      });
      await first.close();
      third = await gateway();
      expect((await client(third.running).wait(orphan.handle)).status).toBe('succeeded');
      const handedOver = await callbacksAbout(receiver, orphan.handle.id);
      expect(handedOver.filter((status) => status === 'completed')).toEqual(['completed']);
      const usage = await fetch(`${second.running.url}/usage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${GATEWAY_TOKEN}` },
      });
      const months = ((await usage.json()) as { usage: Array<{ totalJobs: number }> }).usage;
      expect(months.at(-1)?.totalJobs).toBe(2);
    } finally {
      await third?.close();
      await second?.close();
      await first.close().catch(() => undefined);
      await receiver.close();
    }
  }, 120_000);
});

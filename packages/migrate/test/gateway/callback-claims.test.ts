import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@stemkit/emulator';
import { type RunningPostgres, startPostgres } from '@stemkit/testing/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fileGatewayStore,
  postgresGatewayStore,
  type RunningGateway,
  type StartGatewayOptions,
  startGateway,
} from '../../src/index.ts';
import { startFastEmulator } from '../support/emulator.ts';
import { sampleSong, startReceiver } from '../support/http.ts';
import { spawnMigrate } from '../support/subprocess.ts';
import { backendDriver, GATEWAY_TOKEN } from './harness.ts';

// Issue #26: a poll on a surviving gateway must not mark a callback sent that nobody sent. Whoever sends a
// callback claims it in the store first; every status is sent once, whichever gateway (follower or poll) sees it.

const LINK_SECRET = 'callback-claims-link-secret-0123456789abcdef';
const auth = { authorization: `Bearer ${GATEWAY_TOKEN}` };

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** The statuses of the callbacks about job `id`, in the order they arrived. */
function statusesAbout(receiver: Receiver, id: string): string[] {
  return receiver.bodies
    .map((body) => (body as { job: { id: string; status: string } }).job)
    .filter((job) => job.id === id)
    .map((job) => job.status);
}

/** Waits until `condition` holds (the test's timeout bounds it). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function uploadAndCreate(url: string, callbackUrl: string): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([sampleSong(1) as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }), 'song.wav');
  const asset = (await (
    await fetch(`${url}/upload`, { method: 'POST', headers: auth, body: form })
  ).json()) as {
    id: string;
  };
  const created = await fetch(`${url}/job`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ assetId: asset.id, metadata: { name: 'vocals', format: 'wav' }, callbackUrl }),
  });
  return ((await created.json()) as { job: { id: string } }).job.id;
}

async function statusVia(url: string, id: string): Promise<string> {
  const answer = await fetch(`${url}/job/${id}`, { headers: auth });
  return ((await answer.json()) as { job: { status: string } }).job.status;
}

/** Every status at most once, and `completed` exactly once. */
function expectEachOnce(statuses: string[]): void {
  expect(statuses.filter((status) => status === 'completed')).toEqual(['completed']);
  expect(new Set(statuses).size).toBe(statuses.length);
}

describe('issue #26: a poll on a surviving gateway drops a completion callback', () => {
  let postgres: RunningPostgres;
  let emulator: RunningEmulator;

  beforeAll(async () => {
    postgres = await startPostgres();
    // Slow: a job runs for several seconds, long after the gateway that created it is killed.
    emulator = await startFastEmulator({ processing: { speed: 0.4 } });
  });

  afterAll(async () => {
    await emulator?.close();
    await postgres?.stop();
  });

  async function inProcessGateway(options: Partial<StartGatewayOptions> = {}) {
    const store = postgresGatewayStore(postgres.url);
    const running = await startGateway({
      driver: backendDriver(emulator, 'tasks'),
      token: GATEWAY_TOKEN,
      linkSecret: LINK_SECRET,
      store,
      wait: { initialDelayMs: 50, maxDelayMs: 200 },
      allowPrivateNetwork: true,
      ...options,
    });
    return {
      running,
      async close() {
        await running.close();
        await store.close();
      },
    };
  }

  it('PostgreSQL store: gateway B SIGKILLed, A polls the completion: it is sent once, by A, and C sends nothing more', async () => {
    const receiver = await startReceiver();
    const gatewayA = await inProcessGateway();
    // B is a real `stemkit-migrate gateway` process on the same database and backend, killed with SIGKILL.
    const gatewayB = spawnMigrate(
      ['gateway', '--backend', 'audioshake', '--store', postgres.url, '--allow-private-network'],
      {
        STEMKIT_GATEWAY_TOKEN: GATEWAY_TOKEN,
        STEMKIT_GATEWAY_LINK_SECRET: LINK_SECRET,
        AUDIOSHAKE_API_KEY: emulator.tasks.apiKey,
        AUDIOSHAKE_BASE_URL: emulator.tasks.baseUrl,
      },
    );
    const database = new pg.Client({ connectionString: postgres.url });
    await database.connect();
    let gatewayC: Awaited<ReturnType<typeof inProcessGateway>> | undefined;
    try {
      await until(() => {
        if (gatewayB.child.exitCode !== null) throw new Error(gatewayB.output.stderr);
        return gatewayB.output.stdout.includes('\n');
      });
      const urlB = (JSON.parse(gatewayB.output.stdout) as { url: string }).url;
      const id = await uploadAndCreate(urlB, receiver.url);
      // B follows the job: its first callback arrives; then B dies without a word.
      await until(() => statusesAbout(receiver, id).length > 0);
      gatewayB.child.kill('SIGKILL');
      expect((await gatewayB.exited).signal).toBe('SIGKILL');
      expect(statusesAbout(receiver, id)).not.toContain('completed');

      await until(async () => (await statusVia(gatewayA.running.url, id)) === 'completed');
      // The poll that saw the completion sent it (before the fix it marked it sent and nobody sent it).
      await until(() => statusesAbout(receiver, id).includes('completed'));
      const row = await database.query(
        'SELECT owes_callback, callback_status FROM stemkit_gateway.jobs WHERE id = $1',
        [id],
      );
      expect(row.rows[0]).toEqual({ owes_callback: false, callback_status: 'completed' });

      // A new gateway C takes over nothing: the job owes nothing more.
      gatewayC = await inProcessGateway();
      expect(await statusVia(gatewayC.running.url, id)).toBe('completed');
      await gatewayC.close();
      gatewayC = undefined;
      await gatewayA.close();
      expectEachOnce(statusesAbout(receiver, id));
    } finally {
      if (gatewayB.child.exitCode === null) gatewayB.child.kill('SIGKILL');
      await gatewayC?.close();
      await gatewayA.close().catch(() => undefined);
      await database.end();
      await receiver.close();
    }
  }, 120_000);

  it('PostgreSQL store: two gateways polling the same job at once send its completion once', async () => {
    const receiver = await startReceiver();
    // Neither follower polls before the clients do: the completion is seen by polls on both at once.
    const slow = { wait: { initialDelayMs: 600_000, maxDelayMs: 600_000 } };
    const first = await inProcessGateway(slow);
    const second = await inProcessGateway(slow);
    try {
      const id = await uploadAndCreate(first.running.url, receiver.url);
      await until(async () => {
        const seen = await Promise.all(
          [first, second, first, second].map((each) => statusVia(each.running.url, id)),
        );
        return seen.every((status) => status === 'completed');
      });
      await until(() => statusesAbout(receiver, id).includes('completed'));
      await Promise.all([first.close(), second.close()]);
      expectEachOnce(statusesAbout(receiver, id));
    } finally {
      await Promise.all([first.close(), second.close()]).catch(() => undefined);
      await receiver.close();
    }
  }, 120_000);
});

describe('issue #26: the file store marks a callback sent only when it is sent', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'stemkit-gateway-claims-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('a client poll sees the completion before the follower does: it is sent once, and not again after a restart', async () => {
    const emulator = await startFastEmulator({ processing: { speed: 500 } });
    const receiver = await startReceiver();
    const stateFile = join(directory, 'state.json');
    const start = (wait: StartGatewayOptions['wait']) =>
      startGateway({
        driver: backendDriver(emulator, 'tasks'),
        token: GATEWAY_TOKEN,
        store: fileGatewayStore(stateFile),
        allowPrivateNetwork: true,
        wait,
      });
    let running: RunningGateway | undefined;
    try {
      // The follower sleeps ten minutes between polls: the client's poll is the first to see the completion.
      running = await start({ initialDelayMs: 600_000, maxDelayMs: 600_000 });
      const id = await uploadAndCreate(running.url, receiver.url);
      await until(async () => (await statusVia((running as RunningGateway).url, id)) === 'completed');
      await until(() => statusesAbout(receiver, id).includes('completed'));
      await running.close();
      // Restarted on the same file, the gateway owes this job nothing.
      running = await start({ initialDelayMs: 50, maxDelayMs: 200 });
      expect(await statusVia(running.url, id)).toBe('completed');
      await running.close();
      running = undefined;
      expectEachOnce(statusesAbout(receiver, id));
    } finally {
      await running?.close();
      await receiver.close();
      await emulator.close();
    }
  }, 60_000);
});

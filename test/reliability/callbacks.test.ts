import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit, type Job, type Stemkit, StemkitError } from '@stemkit/core';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Callbacks are unsigned hints. Whatever arrives — forged, repeated, late — a job's state comes only from the
// provider, read back with `get`.

let emulator: RunningEmulator;
let receiver: Server;
const received: unknown[] = [];
let receiverUrl: string;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  // Slow enough that a job just started is still running when a forged "finished" callback arrives.
  emulator = await startEmulator({ processing: { speed: 3 }, tasksWebhookUrl: receiverUrl });
});

afterAll(async () => {
  await emulator?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const wait = { initialDelayMs: 50, maxDelayMs: 300, timeoutMs: 60_000 };
const clients: Record<string, () => Stemkit> = {
  sourcere: () =>
    createStemkit({
      wait,
      driver: sourcere({
        baseUrl: emulator.sourcere.baseUrl,
        username: emulator.sourcere.username,
        password: emulator.sourcere.password,
      }),
    }),
  legacy: () =>
    createStemkit({
      wait,
      driver: audioshakeLegacy({ baseUrl: emulator.legacy.baseUrl, token: emulator.legacy.token }),
    }),
  tasks: () =>
    createStemkit({
      wait,
      driver: audioshakeTasks({ baseUrl: emulator.tasks.baseUrl, apiKey: emulator.tasks.apiKey }),
    }),
};

/** The callback bodies the provider sent about one job, oldest first. */
function bodiesAbout(job: Job): unknown[] {
  return received.filter((body) => JSON.stringify(body).includes(job.handle.id));
}

/** A body rewritten so it speaks about another job id. */
function retarget(body: unknown, from: string, to: string): unknown {
  return JSON.parse(JSON.stringify(body).replaceAll(from, to));
}

/** A body whose statuses and events all claim failure. */
function claimFailure(body: unknown): unknown {
  return JSON.parse(
    JSON.stringify(body)
      .replaceAll('"completed"', '"failed"')
      .replaceAll('"Finalising"', '"Failed"')
      .replaceAll('"Processing"', '"Failed"'),
  );
}

/**
 * A legacy callback speaks for one provider job (one stem) of a neutral job: each target it shows must match the
 * provider's own view of that stem.
 */
function expectSameTargets(confirmed: Job, finished: Job): void {
  expect(confirmed.targets.length).toBeGreaterThan(0);
  for (const target of confirmed.targets) {
    const original = finished.targets.find((candidate) => candidate.stem === target.stem);
    expect(target.status).toBe(original?.status);
    expect(target.outputs.map((output) => output.name)).toEqual(
      original?.outputs.map((output) => output.name),
    );
  }
}

/** Callback bodies shaped like each provider's, about jobs nobody has. */
const foreignBodies: unknown[] = [
  {
    separationId: 'a1b2c3d4-0000-4000-8000-000000000000',
    customMetadata: null,
    outputFiles: ['vocals.wav'],
    event: { event: 'Finalising' },
  },
  { job: { id: 'cl00000000000000000000000', status: 'completed', outputAssets: [] } },
  {
    id: 'cm00000000000000000000000',
    targets: [{ id: 't1', model: 'vocals', status: 'completed', output: [] }],
  },
];

const asHeaders = () => new Headers({ 'content-type': 'application/json' });

describe.each(Object.keys(clients))('callbacks through %s change nothing without the provider', (name) => {
  let stemkit: Stemkit;
  let finished: Job;
  let finalBody: unknown;

  beforeAll(async () => {
    stemkit = (clients[name] as () => Stemkit)();
    const started = await stemkit.separate({
      source: sampleWav({ seconds: 0.3 }),
      stems: name === 'sourcere' ? ['vocals', 'instrumental'] : ['vocals', 'drums'],
      ...(name === 'tasks' ? {} : { callbackUrl: receiverUrl }),
    });
    finished = await stemkit.wait(started);
    // The last callback arrives right after the provider finished: give it a moment.
    for (let tries = 0; tries < 50 && bodiesAbout(finished).length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    finalBody = bodiesAbout(finished).at(-1);
  }, 60_000);

  it('the genuine callback is a hint that get confirms', async () => {
    expect(finished.status).toBe('succeeded');
    expect(finalBody).toBeDefined();
    const hint = await stemkit.callbacks.parse({ headers: asHeaders(), body: finalBody });
    expect(hint.handle.id).toBe(finished.handle.id);
    const confirmed = await stemkit.get(hint.handle);
    expect(confirmed.status).toBe('succeeded');
  });

  it('a forged "finished" callback for a running job does not finish it', async () => {
    const running = await stemkit.separate({
      source: sampleWav({ seconds: 0.4 }),
      stems: name === 'sourcere' ? ['vocals', 'instrumental'] : ['vocals', 'drums'],
    });
    const forged = retarget(finalBody, finished.handle.id, running.handle.id);
    const hint = await stemkit.callbacks.parse({ headers: asHeaders(), body: forged });
    expect(hint.handle.id).toBe(running.handle.id);
    const confirmed = await stemkit.get(hint.handle);
    expect(['queued', 'running']).toContain(confirmed.status);
    expect(confirmed.targets.every((target) => target.outputs.length === 0)).toBe(true);
    // And it still finishes for real, on the provider's word.
    expect((await stemkit.wait(running)).status).toBe('succeeded');
  });

  it('a forged "failed" callback for a finished job does not fail it', async () => {
    const hint = await stemkit.callbacks.parse({ headers: asHeaders(), body: claimFailure(finalBody) });
    const confirmed = await stemkit.get(hint.handle);
    expect(confirmed.status).toBe('succeeded');
    expectSameTargets(confirmed, finished);
  });

  it('a callback for a job the provider never had is refused by the provider', async () => {
    const forged = retarget(finalBody, finished.handle.id, `${finished.handle.id.slice(0, -6)}ffffff`);
    const hint = await stemkit.callbacks.parse({ headers: asHeaders(), body: forged });
    const error = await stemkit.get(hint.handle).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(StemkitError.isInstance(error) && error.code).toBe('not-found');
  });

  it("another provider's callback is refused or resolves only to what this provider says", async () => {
    for (const body of foreignBodies) {
      const outcome = await stemkit.callbacks
        .parse({ headers: asHeaders(), body })
        .then(async (hint) => (await stemkit.get(hint.handle)).provider)
        .catch((caught: unknown) => caught);
      // Either the body is rejected as not this provider's, or the job it names is looked up here.
      if (typeof outcome === 'string') expect(outcome).toBe(stemkit.provider);
      else expect(StemkitError.isInstance(outcome)).toBe(true);
    }
  });

  it('duplicated and out-of-order callbacks leave the job as the provider has it', async () => {
    const bodies = bodiesAbout(finished);
    const replayed = [...bodies].reverse().concat(bodies, bodies);
    for (const body of replayed) {
      const hint = await stemkit.callbacks.parse({ headers: asHeaders(), body });
      const confirmed = await stemkit.get(hint.handle);
      expect(confirmed.status).toBe('succeeded');
      expectSameTargets(confirmed, finished);
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { createCallbackReceiver, createStemkit, type NodeStemkit, toNodeListener } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { sourcere } from '@stemkit/sourcere';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultBatchId, openBatchQueue, runBatch, type TrackResult } from '../src/index.ts';
import { writeTracks } from './support/tracks.ts';

// Callbacks are hints: whatever reaches the receiver — forged, repeated, replayed out of order — a track moves
// only on the provider's word, read back by the track's own wait.

let emulator: RunningEmulator;
let server: Server;
let receiverUrl: string;
let work: string;
/** Every callback body that reached the receiver, oldest first. */
const received: unknown[] = [];
/** Where the server hands a request once it has read it (each test sets its own receiver). */
let handle:
  | ((request: IncomingMessage & { body?: unknown }, response: Parameters<typeof listener>[1]) => void)
  | undefined;
const listener = toNodeListener(async () => new Response(null, { status: 503 }));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-callbacks-'));
  // Reads the body as Express's raw() would (the adapter refuses a body json() parsed: a signature needs the
  // bytes), keeps a parsed copy, then hands it on through the Node adapter.
  server = createServer((request: IncomingMessage & { body?: unknown }, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const bytes = Buffer.concat(chunks);
      request.body = bytes;
      received.push(JSON.parse(bytes.toString('utf8')));
      (handle ?? listener)(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stemkit/callbacks`;
  // Slow enough that one track is still running when the previous one has finished.
  emulator = await startEmulator({ processing: { speed: 2 }, tasksWebhookUrl: receiverUrl });
});

afterAll(async () => {
  await emulator?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

const providers = {
  sourcere: {
    stems: ['vocals', 'instrumental'],
    client: () =>
      sourcere({
        baseUrl: emulator.sourcere.baseUrl,
        username: emulator.sourcere.username,
        password: emulator.sourcere.password,
      }),
  },
  legacy: {
    stems: ['vocals'],
    client: () => audioshakeLegacy({ baseUrl: emulator.legacy.baseUrl, token: emulator.legacy.token }),
  },
  tasks: {
    stems: ['vocals'],
    client: () => audioshakeTasks({ baseUrl: emulator.tasks.baseUrl, apiKey: emulator.tasks.apiKey }),
  },
} as const;

/** A body rewritten to speak of another job. */
const retarget = (body: unknown, from: string, to: string): unknown =>
  JSON.parse(JSON.stringify(body).replaceAll(from, to));
/** A body whose statuses and events all claim failure. */
const claimFailure = (body: unknown): unknown =>
  JSON.parse(
    JSON.stringify(body)
      .replaceAll('"completed"', '"failed"')
      .replaceAll('"Finalising"', '"Failed"')
      .replaceAll('"Processing"', '"Failed"'),
  );
const post = (body: unknown) =>
  fetch(receiverUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(Object.keys(providers) as Array<keyof typeof providers>)(
  'a batch with callbacks on %s',
  (name) => {
    it('moves a track on the provider’s word only: forged, repeated and out-of-order callbacks change nothing', async () => {
      const provider = providers[name];
      const stemkit: NodeStemkit = createStemkit({ driver: provider.client() });
      handle = toNodeListener(createCallbackReceiver(stemkit));
      received.length = 0;
      const input = join(work, `in-${name}`);
      writeTracks(input, 3);
      const out = join(work, `out-${name}`);
      const queue = await openBatchQueue({ directory: join(out, '.stemkit-batch') });
      const batch = defaultBatchId(out);
      const row = (key: string) => queue.ledger.track(batch, key);
      try {
        const results: TrackResult[] = [];
        const running = (async () => {
          for await (const result of runBatch(
            stemkit,
            [0, 1, 2].map((index) => ({ source: join(input, `track-00${index}.wav`) })),
            {
              out,
              queue,
              stems: [...provider.stems],
              concurrency: 1,
              // An hour between polls: a track that moves at all was moved by a callback.
              callbacks: { ...(name === 'tasks' ? {} : { url: receiverUrl }), pollMs: 3_600_000 },
            },
          )) {
            results.push(result);
          }
        })();

        // The first track finishes on callbacks alone; keep the last callback about its job.
        await until(async () => (await row('track-000'))?.state === 'done', 'the first track');
        const first = (await row('track-000'))?.jobId as string;
        const finalBody = received.filter((body) => JSON.stringify(body).includes(first)).at(-1);
        expect(finalBody).toBeDefined();

        // The second is running: "it finished", "it failed" and a job nobody has are all answered 204…
        await until(async () => Boolean((await row('track-001'))?.jobId), 'the second track to start');
        const second = (await row('track-001'))?.jobId as string;
        const forged = retarget(finalBody, first, second);
        const answers = [
          await post(forged),
          await post(claimFailure(forged)),
          await post(retarget(finalBody, first, `${first.slice(0, -6)}ffffff`)),
        ];
        expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204]);
        // …and change nothing: the ledger still waits on the job, which the provider still runs.
        const after = await row('track-001');
        expect(['queued', 'running']).toContain((await stemkit.get(after?.handle as never)).status);
        expect(after?.state).toBe('running');
        expect(after?.outputs).toEqual([]);
        await running;
        expect(results.map((result) => [result.name, result.status])).toEqual([
          ['track-000', 'done'],
          ['track-001', 'done'],
          ['track-002', 'done'],
        ]);

        // Every callback again, newest first then twice in order: the ledger does not move, nor the jobs.
        const tracks = await queue.ledger.tracks(batch);
        const views = await Promise.all(tracks.map((track) => stemkit.get(track.handle as never)));
        const replays = [...received].reverse().concat(received, received);
        for (const body of replays) expect((await post(body)).status).toBe(204);
        expect(await queue.ledger.tracks(batch)).toEqual(tracks);
        const again = await Promise.all(tracks.map((track) => stemkit.get(track.handle as never)));
        expect(again.map((job) => [job.status, job.targets.map((target) => target.outputs.length)])).toEqual(
          views.map((job) => [job.status, job.targets.map((target) => target.outputs.length)]),
        );
      } finally {
        await queue.close();
      }
    }, 120_000);
  },
);

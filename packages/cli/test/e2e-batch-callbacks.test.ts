import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdJobs, reportLines, startJsonCli, writeTracks } from './support/batch.ts';
import { PROVIDERS, providerEnvironment, testEmulator } from './support/emulator.ts';

// Acceptance: in a batch with callbacks, status requests per job ≤ 2 on average, counted at the emulator. The
// batch receives them itself (`--listen`, the Node adapter over node:http); polling is only a safety net.
const TRACKS = 100;
const JOB_COUNT = { sourcere: 'sourcere', 'audioshake-legacy': 'legacy', audioshake: 'tasks' } as const;
/** A provider's status request: what `wait` sends each poll. */
const STATUS_REQUEST = {
  sourcere: /^\/sourcere\/separation\/progress$/,
  'audioshake-legacy': /^\/audioshake\/legacy\/job\/[^/]+$/,
  audioshake: /^\/audioshake\/tasks\/tasks\/(?!statistics$)[^/]+$/,
} as const;

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-callbacks-'));
  writeTracks(join(work, 'in'), TRACKS);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe.each(PROVIDERS)('stemkit batch --listen on %s', (provider) => {
  it(`separates ${TRACKS} tracks for about one status request each`, async () => {
    const dataDir = join(work, `emulator-${provider}`);
    let statusRequests = 0;
    const emulator = await testEmulator({
      dataDir,
      onResponse: (event) => {
        if (event.method === 'GET' && STATUS_REQUEST[provider].test(event.path)) statusRequests += 1;
      },
    });
    const port = await freePort();
    const out = join(work, `out-${provider}`);
    try {
      const environment = providerEnvironment(emulator, provider);
      if (provider === 'audioshake') {
        // The Tasks API calls one webhook per account: registered once, as the guide says.
        const registered = await fetch(`${emulator.tasks.baseUrl}/webhooks`, {
          method: 'POST',
          headers: { 'x-api-key': emulator.tasks.apiKey, 'content-type': 'application/json' },
          body: JSON.stringify({ url: `http://127.0.0.1:${port}/` }),
        });
        expect(registered.ok).toBe(true);
      }
      const run = await startJsonCli(
        [
          'batch',
          join(work, 'in'),
          '--out',
          out,
          '--stems',
          'vocals',
          '--concurrency',
          '16',
          '--listen',
          String(port),
          ...(provider === 'audioshake' ? [] : ['--rate-limit', '500']),
          '--json',
        ],
        environment,
      ).done;
      expect(run.code, run.stderr).toBe(0);
    } finally {
      await emulator.close();
    }
    const lines = reportLines(out);
    expect(lines).toHaveLength(TRACKS);
    expect(lines.every((line) => line.status === 'done')).toBe(true);
    const jobs = createdJobs(dataDir)[JOB_COUNT[provider]];
    expect(jobs).toBe(TRACKS);
    const perJob = statusRequests / jobs;
    console.info(
      `${provider}: ${statusRequests} status requests for ${jobs} jobs = ${perJob.toFixed(2)} per job`,
    );
    expect(perJob).toBeLessThanOrEqual(2);
  }, 300_000);
});

// The emulator as msw handlers: the same routes with no socket, on fixed fake origins.
import { audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core';
import { createEmulatorHandlers } from '@stemkit/emulator';
import { sampleWav } from '@stemkit/testing';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';

const handlers = createEmulatorHandlers({ processing: { speed: 500 } });
const server = setupServer(...handlers);
beforeAll(() => server.listen());
afterAll(async () => {
  server.close();
  await handlers.close();
});

it('runs a Tasks job with no socket open', async () => {
  const stemkit = createStemkit({ driver: audioshakeTasks(handlers.tasks) }); // baseUrl and apiKey
  const job = await stemkit.wait(
    await stemkit.separate({
      source: sampleWav({ seconds: 1 }),
      targets: [{ stem: 'vocals', formats: ['wav'] }],
    }),
  );
  expect(job.status).toBe('succeeded');
  expect(job.targets[0]!.outputs[0]!.url).toMatch(/^https:\/\/storage\.emulator\.test\//);
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '@stemkit/audio';
import { audioshakeLegacy } from '@stemkit/audioshake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileGatewayStore, startGateway } from '../../src/index.ts';
import { startFastEmulator } from '../support/emulator.ts';
import { clientFor, downloadBytes, sampleSong } from '../support/http.ts';
import { backendDriver, GATEWAY_TOKEN } from './harness.ts';

describe('a gateway with a state file', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'stemkit-gateway-state-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('answers for the jobs it handed out after a restart, and keeps no secret in the file', async () => {
    const emulator = await startFastEmulator({ processing: { speed: 500 } });
    const stateFile = join(directory, 'state.json');
    const options = { driver: backendDriver(emulator, 'tasks'), token: GATEWAY_TOKEN };
    try {
      const first = await startGateway({ ...options, store: fileGatewayStore(stateFile) });
      const started = await clientFor(
        audioshakeLegacy({ token: GATEWAY_TOKEN, baseUrl: first.url }),
      ).separate({
        source: sampleSong(1),
        name: 'song.wav',
        stems: ['vocals'],
      });
      await first.close();

      const second = await startGateway({
        ...options,
        driver: backendDriver(emulator, 'tasks'),
        store: fileGatewayStore(stateFile),
      });
      try {
        const stemkit = clientFor(audioshakeLegacy({ token: GATEWAY_TOKEN, baseUrl: second.url }));
        const job = await stemkit.wait(started.handle);
        expect(job.status).toBe('succeeded');
        const bytes = await downloadBytes(stemkit, job.targets[0]!.outputs[0]!);
        expect(decodeWav(bytes).channels[0]?.length).toBe(22_050);
      } finally {
        await second.close();
      }
      const state = await readFile(stateFile, 'utf8');
      expect(JSON.parse(state).jobs).toHaveLength(1);
      expect(state).not.toMatch(/X-Goog-Signature|emulator-tasks-key|gateway-test-token/);
    } finally {
      await emulator.close();
    }
  });

  it('claims each callback status once, in order, across a reopen; a file from before claims keeps its last status as sent', async () => {
    const stateFile = join(directory, 'claims.json');
    const job = {
      id: 'cjobjobjobjobjobjobjobjob1',
      assetId: 'cassetassetassetassetasset',
      metadata: { name: 'vocals', format: 'wav' },
      callbackUrl: 'https://example.com/hooks',
      createdAt: '2026-12-07T00:00:00.000Z',
      updatedAt: '2026-12-07T00:00:01.000Z',
      lastStatus: 'processing',
    };
    await writeFile(stateFile, JSON.stringify({ assets: [], jobs: [job] }));
    const store = fileGatewayStore(stateFile);
    await store.open();
    expect((await store.jobsOwingCallbacks()).map((each) => each.id)).toEqual([job.id]);
    expect(await store.claimCallback(job.id, 'created')).toBe(false);
    expect(await store.claimCallback(job.id, 'processing')).toBe(false);
    // A record written again (a poll's) changes nothing of what was sent.
    await store.putJob({ ...job, lastStatus: 'completed' });
    expect((await store.jobsOwingCallbacks()).map((each) => each.id)).toEqual([job.id]);
    expect(await store.claimCallback(job.id, 'completed')).toBe(true);
    expect(await store.claimCallback(job.id, 'completed')).toBe(false);
    expect(await store.claimCallback(job.id, 'failed')).toBe(false);
    await store.flush();
    const reopened = fileGatewayStore(stateFile);
    await reopened.open();
    expect(await reopened.jobsOwingCallbacks()).toEqual([]);
    expect(await reopened.claimCallback(job.id, 'completed')).toBe(false);
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localAudio } from '@stemkit/audio';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit, type NodeStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch, type TrackResult } from '../src/index.ts';
import { writeTracks } from './support/tracks.ts';

let emulator: RunningEmulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-formats-'));
});

afterAll(async () => {
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

const fast = { initialDelayMs: 100, maxDelayMs: 500 };

const clients: Record<string, () => NodeStemkit> = {
  'audioshake-legacy': () =>
    createStemkit({
      driver: audioshakeLegacy({ baseUrl: emulator.legacy.baseUrl, token: emulator.legacy.token }),
      plugins: [localAudio()],
    }),
  audioshake: () =>
    createStemkit({
      driver: audioshakeTasks({ baseUrl: emulator.tasks.baseUrl, apiKey: emulator.tasks.apiKey }),
      plugins: [localAudio()],
    }),
};

describe('a batch in a format the provider does not deliver', () => {
  for (const [provider, client] of Object.entries(clients)) {
    it(`converts m4a on this machine on ${provider}, with residuals named <stem>_residual and the variant sent`, async () => {
      const stemkit = client();
      expect(stemkit.capabilities.formats).not.toContain('m4a');
      const [track] = writeTracks(join(work, provider), 1, 0.5);
      const out = join(work, `${provider}-out`);
      const results: TrackResult[] = [];
      for await (const result of runBatch(stemkit, [{ source: track as string }], {
        out,
        stems: ['vocals'],
        formats: ['m4a', 'wav'],
        residual: true,
        variant: 'high_quality',
        wait: fast,
      })) {
        results.push(result);
      }
      const [result] = results;
      expect(result?.error ?? '').toBe('');
      expect(result?.status).toBe('done');
      expect(readdirSync(join(out, 'track-000')).sort()).toEqual([
        'vocals.m4a',
        'vocals.wav',
        'vocals_residual.m4a',
        'vocals_residual.wav',
      ]);
      // An MP4 container (ftyp box), converted here from the provider's wav.
      const m4a = readFileSync(join(out, 'track-000', 'vocals.m4a'));
      expect(m4a.subarray(4, 8).toString('latin1')).toBe('ftyp');
      // The variant reached the provider: the emulator's saved state shows it (written shortly after a change).
      const variants = () => {
        const state = JSON.parse(readFileSync(join(emulator.dataDir, 'state.json'), 'utf8')) as {
          legacyJobs?: Record<string, { metadata?: { variant?: string } }>;
          tasks?: Record<string, { targets: Array<{ variant: string | null }> }>;
        };
        return provider === 'audioshake'
          ? Object.values(state.tasks ?? {}).flatMap((task) => task.targets.map((target) => target.variant))
          : Object.values(state.legacyJobs ?? {}).map((job) => job.metadata?.variant);
      };
      await expect.poll(variants, { timeout: 15_000, interval: 100 }).toContain('high_quality');
    });
  }
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '@stemkit/emulator';
import { demoTrack } from '../../src/commands/demo-track.ts';

/** The CLI's providers, as `--provider` names them. */
export const PROVIDERS = ['sourcere', 'audioshake-legacy', 'audioshake'] as const;

/** Starts an emulator for a suite: fast simulated time unless told otherwise. */
export function testEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ ...options, processing: { speed: 200, ...options.processing } });
}

/** The environment that points the CLI's `provider` at a running emulator, as a user's would at a real one. */
export function providerEnvironment(
  emulator: RunningEmulator,
  provider: (typeof PROVIDERS)[number],
): Record<string, string> {
  switch (provider) {
    case 'sourcere':
      return {
        SOURCERE_BASE_URL: emulator.sourcere.baseUrl,
        SOURCERE_USERNAME: emulator.sourcere.username,
        SOURCERE_PASSWORD: emulator.sourcere.password,
      };
    case 'audioshake-legacy':
      return { AUDIOSHAKE_LEGACY_BASE_URL: emulator.legacy.baseUrl, AUDIOSHAKE_TOKEN: emulator.legacy.token };
    case 'audioshake':
      return { AUDIOSHAKE_BASE_URL: emulator.tasks.baseUrl, AUDIOSHAKE_API_KEY: emulator.tasks.apiKey };
  }
}

/** A fresh folder holding a short demo track (3 s: the suites test plumbing, not separation quality). */
export async function workspaceWithTrack(
  seconds = 3,
): Promise<{ readonly folder: string; readonly track: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'stemkit-cli-e2e-'));
  const track = join(folder, 'track.wav');
  await writeFile(track, await demoTrack(seconds));
  return { folder, track };
}

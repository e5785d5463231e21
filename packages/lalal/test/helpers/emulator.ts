import { encodeWav } from '@stemkit/audio';
import { synthesizeMixture } from '@stemkit/audio/synthetic';
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '@stemkit/emulator';
import { type LalalDriver, type LalalDriverOptions, lalal } from '../../src/index.ts';

/** The emulator over loopback, fast: every simulated duration divided by 200. */
export function startFastEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ processing: { speed: 200 }, ...options });
}

/** A driver on the emulator's LALAL.AI API. */
export function driverFor(emulator: RunningEmulator, options: LalalDriverOptions = {}): LalalDriver {
  const { baseUrl, licenseKey } = emulator.lalal;
  return lalal({ baseUrl, licenseKey, retryLimit: 3, timeoutMs: 10_000, ...options });
}

/** A couple of seconds of a synthetic stereo song, as WAV bytes. */
export function sampleSong(seconds = 2): Uint8Array {
  return encodeWav(synthesizeMixture({ seed: 7, seconds, sampleRate: 22_050 }).mixture);
}

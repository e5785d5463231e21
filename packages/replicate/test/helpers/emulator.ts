import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '@stemkit/emulator';
import { type ReplicateDriver, type ReplicateDriverOptions, replicate } from '../../src/index.ts';

/** The emulator over loopback, fast: every simulated duration divided by 200. */
export function startFastEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ processing: { speed: 200 }, ...options });
}

/** A driver on the emulator's Replicate API. */
export function driverFor(emulator: RunningEmulator, options: ReplicateDriverOptions = {}): ReplicateDriver {
  const { baseUrl, apiToken } = emulator.replicate;
  return replicate({ baseUrl, apiToken, retryLimit: 2, timeoutMs: 10_000, ...options });
}

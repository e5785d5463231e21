import type { FaultOptions } from './faults.ts';

/** The credentials each emulated API accepts. */
export interface EmulatorCredentials {
  /** Sourcere `POST /auth/` username (default `emulator`). */
  username?: string;
  /** Sourcere `POST /auth/` password (default `emulator-password`). */
  password?: string;
  /** Legacy API Bearer token (default `emulator-legacy-token`). */
  legacyToken?: string;
  /** Tasks API `x-api-key` (default `emulator-tasks-key`). */
  tasksApiKey?: string;
  /** Replicate API token, sent as `Authorization: Bearer` or `Token` (default `r8_emulator-replicate-token`). */
  replicateApiToken?: string;
  /** LALAL.AI `X-License-Key` (default `emulator-lalal-key`). */
  lalalLicenseKey?: string;
  /** ElevenLabs `xi-api-key` (default `emulator-elevenlabs-key`). */
  elevenlabsApiKey?: string;
}

/** How simulated processing time runs. */
export interface ProcessingOptions {
  /**
   * Time factor: every simulated duration (metadata, queueing, separation, conversion) is divided by it.
   * 1 (default) feels like a slow real service; tests use 100 or more.
   */
  speed?: number;
  /** How many audio computations run at once (default 2: the rest wait in a queue, as on a real service). */
  concurrency?: number;
}

/** Options shared by both transports (`startEmulator` and `createEmulatorHandlers`). */
export interface EmulatorOptions {
  /** Where state and files live; reloaded on start. Default: a temporary folder removed on close. */
  dataDir?: string;
  /** The credentials to accept; each one omitted keeps its value in {@link defaultCredentials}. */
  credentials?: EmulatorCredentials;
  /** Faults in force from the start (none by default); change them later through the returned `faults`. */
  faults?: FaultOptions;
  /** How fast simulated work runs and how much runs at once (default speed 1, concurrency 2). */
  processing?: ProcessingOptions;
  /** Tasks API requests per second per key before 429 (default 60, as documented). */
  tasksRateLimit?: number;
  /** Tasks API targets per task (default 10). */
  tasksMaxTargets?: number;
  /** LALAL.AI `/check/` calls a minute per licence key before 429 (default 30, as documented). */
  lalalChecksPerMinute?: number;
  /** LALAL.AI processing minutes the licence starts with (default 600), spent per stem × duration. */
  lalalMinutes?: number;
  /**
   * How long Replicate keeps a finished prediction's output files before removing them (`data_removed`), in
   * real milliseconds (default one hour, as documented).
   */
  replicateDataRetentionMs?: number;
  /**
   * Largest file taken in by any ingest path, in bytes: the multipart uploads (legacy `POST /upload`, Tasks
   * `POST /assets`), the signed storage PUT (Sourcere uploads) and the links the emulator fetches (legacy
   * `POST /upload/link`, a Tasks `url` or `transcriptUrl`). Past it the upload is answered 413 and a link fetch
   * fails (413 for `/upload/link`, a failed target for Tasks), nothing kept. Default 2 GiB (2,147,483,648),
   * the documented maximum.
   */
  maxUploadBytes?: number;
  /**
   * Longest a link fetch may take in all, headers to last byte, in milliseconds (default 300,000: five
   * minutes). A link that answers but drips its body slower fails once this has passed, whatever its pace; a
   * host silent for 30 s fails sooner.
   */
  linkTimeoutMs?: number;
  /** The Tasks account webhook, also settable with `POST /webhooks`. */
  tasksWebhookUrl?: string;
  /** Seed of the emulator's own randomness (trial section starts). */
  seed?: number;
  /**
   * Send CORS headers on every API and on the storage host, so a web page on any origin can run jobs against
   * the emulator (default false).
   */
  cors?: boolean;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  credentials: Required<EmulatorCredentials>;
  speed: number;
  concurrency: number;
  tasksRateLimit: number;
  tasksMaxTargets: number;
  replicateDataRetentionMs: number;
  lalalChecksPerMinute: number;
  lalalMinutes: number;
  maxUploadBytes: number;
  linkTimeoutMs: number;
  seed: number;
  cors: boolean;
}

/**
 * The credentials the emulator accepts unless told otherwise.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * emulator.tasks.apiKey === defaultCredentials.tasksApiKey; // true
 * ```
 */
export const defaultCredentials: Required<EmulatorCredentials> = {
  username: 'emulator',
  password: 'emulator-password',
  legacyToken: 'emulator-legacy-token',
  tasksApiKey: 'emulator-tasks-key',
  replicateApiToken: 'r8_emulator-replicate-token',
  lalalLicenseKey: 'emulator-lalal-key',
  elevenlabsApiKey: 'emulator-elevenlabs-key',
};

/** The documented maximum upload size of both AudioShake APIs: 2 GiB. */
const defaultMaxUploadBytes = 2 * 1024 ** 3;
/** Five minutes: 2 GiB over loopback takes seconds, a link that needs longer is holding a request hostage. */
const defaultLinkTimeoutMs = 300_000;

export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const speed = options.processing?.speed ?? 1;
  if (!(speed > 0)) throw new RangeError('processing.speed must be a positive number');
  const maxUploadBytes = options.maxUploadBytes ?? defaultMaxUploadBytes;
  if (!Number.isSafeInteger(maxUploadBytes) || maxUploadBytes < 0) {
    throw new RangeError('maxUploadBytes must be a non-negative whole number of bytes');
  }
  const linkTimeoutMs = options.linkTimeoutMs ?? defaultLinkTimeoutMs;
  if (!Number.isSafeInteger(linkTimeoutMs) || linkTimeoutMs <= 0) {
    throw new RangeError('linkTimeoutMs must be a positive whole number of milliseconds');
  }
  return {
    credentials: { ...defaultCredentials, ...stripUndefined(options.credentials ?? {}) },
    speed,
    concurrency: Math.max(1, options.processing?.concurrency ?? 2),
    tasksRateLimit: options.tasksRateLimit ?? 60,
    tasksMaxTargets: options.tasksMaxTargets ?? 10,
    replicateDataRetentionMs: options.replicateDataRetentionMs ?? 3_600_000,
    lalalChecksPerMinute: options.lalalChecksPerMinute ?? 30,
    lalalMinutes: options.lalalMinutes ?? 600,
    maxUploadBytes,
    linkTimeoutMs,
    seed: options.seed ?? Date.now(),
    cors: options.cors ?? false,
  };
}

function stripUndefined<Value extends object>(value: Value): Partial<Value> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<Value>;
}

import type { OutputFormat, StemName } from '../model/names.ts';

/**
 * What a driver can do, declared up front so the client can refuse an unsupported ask before any request.
 * Optional driver methods (`mix`, `zip`, `list`, `cancel`, `parseCallback`) signal the rest: see
 * {@link describeCapabilities}.
 *
 * @example
 * ```ts
 * const capabilities: DriverCapabilities = {
 *   stems: ['vocals', 'instrumental'], formats: ['wav', 'mp3'], maxTargets: 2, trial: true, residual: false,
 *   transcription: false, alignment: false, callbacks: 'per-job', urlInput: false, variants: false, languages: false,
 * };
 * ```
 */
export interface DriverCapabilities {
  /** Stems or models the provider produces; `'any'` when it accepts any model key. */
  readonly stems: readonly StemName[] | 'any';
  /** Output formats it can deliver. */
  readonly formats: readonly OutputFormat[];
  /** Most targets one job may carry. */
  readonly maxTargets?: number;
  /** Whether a job can separate only a section of the track (a trial). */
  readonly trial: boolean;
  /** Whether a target can also return its residual (the input minus the target). */
  readonly residual: boolean;
  readonly transcription: boolean;
  readonly alignment: boolean;
  /** How the provider calls back: per job (a URL in each request), per account (a webhook), or not at all. */
  readonly callbacks: 'per-job' | 'account' | false;
  /** Whether a job can start from a remote URL without uploading first. */
  readonly urlInput: boolean;
  /** Whether targets take a model `variant` and a `language`. */
  readonly variants: boolean;
  readonly languages: boolean;
  /** Largest upload, in bytes. */
  readonly maxUploadBytes?: number;
}

/** The full capability matrix of a driver: its declarations plus what its optional methods signal. */
export interface CapabilityMatrix extends DriverCapabilities {
  readonly provider: string;
  readonly mix: boolean;
  readonly zip: boolean;
  readonly list: boolean;
  readonly cancel: boolean;
  readonly parseCallbacks: boolean;
}

/**
 * The full capability matrix of a driver, for tables and docs.
 *
 * @example
 * ```ts
 * console.table(describeCapabilities(sourcere({ username, password })));
 * ```
 */
export function describeCapabilities(driver: {
  readonly provider: string;
  readonly capabilities: DriverCapabilities;
  readonly mix?: unknown;
  readonly zip?: unknown;
  readonly list?: unknown;
  readonly cancel?: unknown;
  readonly parseCallback?: unknown;
}): CapabilityMatrix {
  return {
    provider: driver.provider,
    ...driver.capabilities,
    mix: typeof driver.mix === 'function',
    zip: typeof driver.zip === 'function',
    list: typeof driver.list === 'function',
    cancel: typeof driver.cancel === 'function',
    parseCallbacks: typeof driver.parseCallback === 'function',
  };
}

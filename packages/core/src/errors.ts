import type { JobHandle } from './model/handle.ts';
import type { Job } from './model/job.ts';
import { redact } from './secrets.ts';

const MARKER = Symbol.for('stemkit.error');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Fields every stemkit error can carry. */
export interface StemkitErrorOptions {
  /** The provider the failing call went to. */
  readonly provider?: string;
  /** What caused it. Kept out of `toJSON()` and inspection, since causes may hold requests with credentials. */
  readonly cause?: unknown;
}

/**
 * The base of every error stemkit throws. Messages are scrubbed of secrets; `toJSON()` and Node's inspection
 * show only safe fields. Use {@link StemkitError.isInstance} (or a subclass's) rather than `instanceof`, which
 * fails across realms and duplicated installs.
 *
 * @example
 * ```ts
 * try { await stemkit.wait(job) } catch (error) {
 *   if (JobFailedError.isInstance(error)) console.error(error.failure.message);
 * }
 * ```
 */
export class StemkitError extends Error {
  /** A stable machine-readable kind, e.g. `rate-limit`. */
  readonly code: string = 'stemkit';
  /** The provider the failing call went to; `undefined` when none was involved (most invalid arguments). */
  readonly provider: string | undefined;
  constructor(message: string, options: StemkitErrorOptions = {}) {
    super(redact(message), { cause: options.cause });
    Object.defineProperty(this, MARKER, { value: true });
    this.name = new.target.name;
    this.provider = options.provider;
  }

  /**
   * Whether `value` is an instance of this class (or a subclass), even from another copy of the package.
   *
   * @example
   * ```ts
   * RateLimitError.isInstance(error) && error.retryAfterMs;
   * ```
   */
  static isInstance<Instance extends StemkitError>(
    this: abstract new (
      ...args: never[]
    ) => Instance,
    value: unknown,
  ): value is Instance {
    if (typeof value !== 'object' || value === null || !(MARKER in value)) return false;
    // Compared by name, not identity: another copy of the package has other class objects.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the check was called on.
    const wanted = this.name;
    for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
      if (proto.constructor?.name === wanted) return true;
    }
    return false;
  }

  /** The safe fields, for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    const fields: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'cause' && value !== undefined) fields[key] = value;
    }
    return JSON.parse(redact(JSON.stringify(fields)));
  }

  /** Node's `util.inspect` hook: the scrubbed stack followed by the safe fields, never the cause. */
  [INSPECT](): string {
    return `${redact(this.stack ?? `${this.name}: ${this.message}`)} ${JSON.stringify(this.toJSON())}`;
  }
}

/** An HTTP error answered by the provider. */
export class ProviderError extends StemkitError {
  override readonly code: string = 'provider';
  /** The HTTP status. */
  readonly status: number | undefined;
  /** The provider's own error code, when its body gave one. */
  readonly providerCode: string | undefined;

  constructor(
    message: string,
    options: StemkitErrorOptions & { status?: number; providerCode?: string } = {},
  ) {
    super(message, options);
    this.status = options.status;
    this.providerCode = options.providerCode;
  }
}

/** The provider refused the credentials (401) or the permission (403). */
export class AuthenticationError extends ProviderError {
  override readonly code = 'auth';
}

/** The provider asked us to slow down (429). `retryAfterMs` is its hint, when it gave one. */
export class RateLimitError extends ProviderError {
  override readonly code = 'rate-limit';
  /** How long the provider asked us to wait, in ms (from `Retry-After`); `undefined` when it gave no hint. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: StemkitErrorOptions & { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message, { ...options, status: options.status ?? 429 });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The job, asset or file does not exist (404). */
export class NotFoundError extends ProviderError {
  override readonly code = 'not-found';
}

/** The request never got an answer: DNS, connection reset, per-attempt timeout. */
export class ConnectionError extends StemkitError {
  override readonly code = 'connection';
}

/** The provider answered with something we cannot read, even leniently. */
export class InvalidResponseError extends StemkitError {
  override readonly code = 'invalid-response';
  /** HTTP status of the response that could not be read, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, options: StemkitErrorOptions & { status?: number } = {}) {
    super(message, options);
    this.status = options.status;
  }
}

/** A value the caller passed is wrong. `field` names it (dotted path), `issues` lists every problem. */
export class InvalidArgumentError extends StemkitError {
  override readonly code = 'invalid-argument';
  /** Dotted path of the first bad value, e.g. `targets.0.formats`; `options` for the whole argument. */
  readonly field: string;
  /** Every problem found, each with its dotted path and message; the first is the one `field` names. */
  readonly issues: ReadonlyArray<{ readonly field: string; readonly message: string }>;

  constructor(
    field: string,
    message: string,
    options: StemkitErrorOptions & { issues?: ReadonlyArray<{ field: string; message: string }> } = {},
  ) {
    super(`Invalid argument \`${field}\`: ${message}`, options);
    this.field = field;
    this.issues = options.issues ?? [{ field, message }];
  }
}

/** The driver cannot do what was asked; nothing was sent. */
export class UnsupportedCapabilityError extends StemkitError {
  override readonly code = 'unsupported';
  /** The capability, stem or format that is missing (e.g. `stem:guitar`, `format:aiff`, `mix`). */
  readonly capability: string;

  constructor(capability: string, message: string, options: StemkitErrorOptions = {}) {
    super(message, options);
    this.capability = capability;
  }
}

/** The job (or all of its targets) failed at the provider. */
export class JobFailedError extends StemkitError {
  override readonly code = 'job-failed';
  /** The failed job's handle, e.g. to `get` it again or log it. */
  readonly handle: JobHandle;
  /** Why it failed, in the provider's words: the first failed target's error, else a generic message. */
  readonly failure: { readonly code?: string | number; readonly message: string };
  /** The job as last seen, when known. */
  readonly job: Job | undefined;

  constructor(
    handle: JobHandle,
    failure: { code?: string | number; message: string },
    options: StemkitErrorOptions & { job?: Job } = {},
  ) {
    super(`Job ${handle.id} failed: ${failure.message}`, options);
    this.handle = handle;
    this.failure = failure;
    this.job = options.job;
  }

  override toJSON(): Record<string, unknown> {
    const { job: _job, ...rest } = super.toJSON();
    return rest;
  }
}

/** Waiting ran past its deadline. The job may still finish: resume with `handle`. */
export class WaitTimeoutError extends StemkitError {
  override readonly code = 'wait-timeout';
  /** The job's handle: the job may still finish, so pass it to `wait` again (now or from another process). */
  readonly handle: JobHandle;

  constructor(handle: JobHandle, timeoutMs: number, options: StemkitErrorOptions = {}) {
    super(`Gave up waiting for job ${handle.id} after ${timeoutMs} ms; resume with its handle`, options);
    this.handle = handle;
  }
}

/** Sending the source failed (storage refused it, the stream broke, the provider could not decode it). */
export class UploadError extends StemkitError {
  override readonly code = 'upload';
}

/** Fetching an output failed, even after refreshing its link. */
export class DownloadError extends StemkitError {
  override readonly code = 'download';
  /** HTTP status the storage host answered; `undefined` if none came or the link never became ready. */
  readonly status: number | undefined;

  constructor(message: string, options: StemkitErrorOptions & { status?: number } = {}) {
    super(message, options);
    this.status = options.status;
  }
}

/**
 * Whether an error is an abort (the caller's `AbortSignal`). stemkit lets those through untouched.
 *
 * @example
 * ```ts
 * if (isAbortError(error)) console.log('canceled');
 * ```
 */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    (error.name === 'AbortError' || error.name === 'TimeoutError') &&
    !StemkitError.isInstance(error)
  );
}

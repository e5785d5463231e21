import type { JobHandle } from './model/handle.ts';
import type { Job } from './model/job.ts';
import { credentialHeaderNames, redact } from './secrets.ts';

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

  /**
   * Whether sending the same request again, later, may succeed: the failure was the transport's or a passing
   * state of the provider's (no answer, 408, 429, 5xx), not a verdict on the request. The one answer to
   * "retry?": the transport, `wait`, batch and migration all ask it.
   *
   * @example
   * ```ts
   * if (StemkitError.isInstance(error) && error.retryable) console.log('a later try may succeed');
   * ```
   */
  get retryable(): boolean {
    return false;
  }

  /**
   * Whether the failed call certainly created nothing at the provider: it was refused before anything was sent,
   * or the provider answered with a refusal (a 4xx other than 408, 429 included: a rate limit is answered before
   * anything is done). `false` means a job may exist (no answer, a timeout, a 5xx), so a create must not simply
   * be sent again.
   *
   * @example
   * ```ts
   * if (StemkitError.isInstance(error) && !error.createdNothing) console.log('look for the job it may have made');
   * ```
   */
  get createdNothing(): boolean {
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

/** Fields of an error the provider answered. */
export interface ProviderErrorOptions extends StemkitErrorOptions {
  /** The HTTP status. */
  readonly status?: number;
  /** The provider's own error code, when its body gave one. */
  readonly providerCode?: string;
  /** The provider's id of the request (its `x-request-id` or own header), for its support. */
  readonly requestId?: string;
  /** The response headers; credential headers (`set-cookie`…) are dropped and every value is scrubbed. */
  readonly headers?: Headers | Readonly<Record<string, string>>;
}

/** An HTTP error answered by the provider. */
export class ProviderError extends StemkitError {
  override readonly code: string = 'provider';
  /** The HTTP status. */
  readonly status: number | undefined;
  /** The provider's own error code, when its body gave one. */
  readonly providerCode: string | undefined;
  /** The provider's id of the request (from `x-request-id`, or the header the driver names), when it sent one. */
  readonly requestId: string | undefined;
  /**
   * The response headers, when there was a response (names in lower case). Never a credential: `set-cookie`,
   * `authorization` and every header a driver authenticates with are left out, and the values are scrubbed.
   * Kept out of `toJSON()`, so logs stay short.
   */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(message: string, options: ProviderErrorOptions = {}) {
    super(message, options);
    this.status = options.status;
    this.providerCode = options.providerCode;
    this.requestId = options.requestId === undefined ? undefined : redact(options.requestId);
    this.headers = options.headers === undefined ? undefined : safeHeaders(options.headers);
  }

  override toJSON(): Record<string, unknown> {
    const { headers: _headers, ...rest } = super.toJSON();
    return rest;
  }

  /** A 408, 429 or 5xx: the provider may answer otherwise later. */
  override get retryable(): boolean {
    const status = this.status ?? 0;
    return status === 408 || status === 429 || status >= 500;
  }

  /** A 4xx other than 408: the provider refused before doing anything. */
  override get createdNothing(): boolean {
    const status = this.status ?? 0;
    return status >= 400 && status < 500 && status !== 408;
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

  constructor(message: string, options: ProviderErrorOptions & { retryAfterMs?: number } = {}) {
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

  /** Always: the request may get through next time (though a lost answer may hide a created job). */
  override get retryable(): boolean {
    return true;
  }
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

  /** Always: refused before anything was sent. */
  override get createdNothing(): boolean {
    return true;
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

  /** Always: refused before anything was sent. */
  override get createdNothing(): boolean {
    return true;
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

  /** Always: the job may still finish, so waiting again may see it done. */
  override get retryable(): boolean {
    return true;
  }
}

/** Sending the source failed (storage refused it, the stream broke, the provider could not decode it). */
export class UploadError extends StemkitError {
  override readonly code = 'upload';
}

/**
 * A file did not fit in the client's bounded local store even with every other file forgotten (a local mix, zip
 * or conversion, or an output a provider answered with as bytes). Raise the store's bound.
 */
export class LocalStoreFullError extends StemkitError {
  override readonly code = 'local-store-full';
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

  /** Always: a later attempt asks the driver for fresh links, which a refused or stale one does not preclude. */
  override get retryable(): boolean {
    return true;
  }
}

/** Response headers safe to keep on an error: no credential header, every value scrubbed. */
function safeHeaders(headers: Headers | Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const secret = new Set(credentialHeaderNames());
  const safe: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (!secret.has(lower)) safe[lower] = redact(value);
  }
  return Object.freeze(safe);
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

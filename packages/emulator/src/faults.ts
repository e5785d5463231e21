import type { EmulatedApiHandles } from './apis.ts';
import { HttpError } from './http/errors.ts';

/** The emulated APIs, as fault rules name them, and the signed-URL storage host. */
export type ApiName = keyof EmulatedApiHandles | 'storage';

/** Which requests a fault rule applies to; every given field must match. */
export interface FaultMatcher {
  /** Only requests to this API. */
  api?: ApiName;
  /** Only this HTTP method (case-insensitive). */
  method?: string;
  /** A path below the API's base; `*` matches within a segment, `**` across segments, `:name` one segment. */
  path?: string;
}

/** How often a matching request is hit: the next `count` ones, or each with `probability` (seeded). */
export interface FaultTrigger {
  /** Hit only the next N matching requests. */
  count?: number;
  /** Hit each matching request with this probability, 0–1 (default 1). */
  probability?: number;
}

/** A fault rule: a matcher, a trigger and what the fault does. */
export type FaultRule<Extra = object> = FaultMatcher & FaultTrigger & Extra;

/** What goes wrong, and where. Every field is optional; set them at start or at run time. */
export interface FaultOptions {
  /** Seed of the randomness behind probabilities, for reproducible runs. */
  seed?: number;
  /** 429 with `Retry-After` (seconds, default 1). */
  rateLimit?: FaultRule<{ retryAfterSeconds?: number }>[];
  /** 500 or 503 (default 503). */
  serverError?: FaultRule<{ status?: 500 | 503 }>[];
  /** The connection is dropped without an answer (a network error in msw). */
  reset?: FaultRule[];
  /** The answer is delayed by `milliseconds` of real time. */
  latency?: FaultRule<{ milliseconds: number }>[];
  /** Legacy `GET /job/:id` answers 404 for the first `milliseconds` or `calls` after the job's creation. */
  notFoundAfterCreate?: { milliseconds?: number; calls?: number };
  /** Sourcere tokens expire after this many seconds, although `/auth/` still advertises 86400. */
  tokenLifetimeSeconds?: number;
  /** Lifetime of every signed storage URL, in seconds. */
  signedUrlLifetimeSeconds?: number;
  /** Jobs (separations, legacy jobs, Tasks targets) that fail with `message`. */
  failJobs?: FailJobsRule;
  /** Overrides `processing.speed` (the time factor of simulated work) from now on. */
  processingSpeed?: number;
}

/** Which jobs fail: matched by API and model, hit by count or probability. */
export interface FailJobsRule extends FaultTrigger {
  /** Only jobs of this API; when omitted, jobs of every API (storage runs none). */
  api?: Exclude<ApiName, 'storage'>;
  /** A model name (legacy `metadata.name`, Tasks `model`, or `algorithm-6`/`algorithm-7`). */
  model?: string;
  /** The failure message (default "Processing failed (injected fault)"). */
  message?: string;
}

/** What the fault layer decided for one request. @internal */
export type RequestFault =
  | { kind: 'none' }
  | { kind: 'reset' }
  | { kind: 'response'; error: HttpError }
  | { kind: 'delay'; milliseconds: number };

/** The header a transport reads to drop the connection instead of answering. */
export const resetHeader = 'x-stemkit-emulator-reset';

/** A small seeded generator (mulberry32): the same seed gives the same faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function pathPattern(path: string): RegExp {
  const source = path
    .split(/(\*\*|\*|:[A-Za-z]+)/)
    .map((part) => {
      if (part === '**') return '.*';
      if (part === '*' || part.startsWith(':')) return '[^/]*';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

/**
 * The run-time fault control: `startEmulator().faults`. Rules can be replaced mid-run, so a test can let a job
 * start cleanly and then break the next poll.
 *
 * @example
 * ```ts
 * emulator.faults.set({ rateLimit: [{ api: 'tasks', path: '/tasks/:id', count: 2, retryAfterSeconds: 1 }] });
 * // … the next two GET /tasks/:id answer 429 …
 * emulator.faults.clear();
 * ```
 */
export class FaultController {
  #options: FaultOptions = {};
  #random: () => number = seededRandom(1);
  readonly #patterns = new Map<string, RegExp>();

  constructor(options: FaultOptions = {}) {
    this.set(options);
  }

  /** The rules in force. */
  get options(): Readonly<FaultOptions> {
    return this.#options;
  }

  /** Replaces the given kinds of rule and keeps the others. */
  set(options: FaultOptions): void {
    this.#options = { ...this.#options, ...structuredClone(options) };
    if (options.seed !== undefined) this.#random = seededRandom(options.seed);
  }

  /** Removes every rule (or only the named kinds). */
  clear(...kinds: (keyof FaultOptions)[]): void {
    if (kinds.length === 0) {
      this.#options = {};
      return;
    }
    const next = { ...this.#options };
    for (const kind of kinds) delete next[kind];
    this.#options = next;
  }

  /**
   * Decides the faults of one request: latencies, then a reset or an error answer.
   * @internal
   */
  decide(api: ApiName, method: string, path: string): RequestFault[] {
    const faults: RequestFault[] = [];
    for (const rule of this.#options.latency ?? []) {
      if (this.#hits(rule, api, method, path))
        faults.push({ kind: 'delay', milliseconds: rule.milliseconds });
    }
    for (const rule of this.#options.reset ?? []) {
      if (this.#hits(rule, api, method, path)) return [...faults, { kind: 'reset' }];
    }
    for (const rule of this.#options.rateLimit ?? []) {
      if (this.#hits(rule, api, method, path)) {
        const seconds = rule.retryAfterSeconds ?? 1;
        const error = new HttpError(429, 'Too many requests: slow down and retry later', {
          'retry-after': String(seconds),
        });
        return [...faults, { kind: 'response', error }];
      }
    }
    for (const rule of this.#options.serverError ?? []) {
      if (this.#hits(rule, api, method, path)) {
        const status = rule.status ?? 503;
        const message = status === 503 ? 'The service is temporarily unavailable' : 'Internal server error';
        return [...faults, { kind: 'response', error: new HttpError(status, message) }];
      }
    }
    return faults;
  }

  /**
   * Whether a job fails, and why; `undefined` when it does not.
   * @internal
   */
  jobFailure(api: Exclude<ApiName, 'storage'>, model: string): string | undefined {
    const rule = this.#options.failJobs;
    if (!rule) return undefined;
    if (rule.api !== undefined && rule.api !== api) return undefined;
    if (rule.model !== undefined && rule.model !== model) return undefined;
    if (!this.#triggered(rule)) return undefined;
    return rule.message ?? 'Processing failed (injected fault)';
  }

  #hits(rule: FaultRule, api: ApiName, method: string, path: string): boolean {
    if (rule.api !== undefined && rule.api !== api) return false;
    if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
    if (rule.path !== undefined) {
      let pattern = this.#patterns.get(rule.path);
      if (!pattern) {
        pattern = pathPattern(rule.path);
        this.#patterns.set(rule.path, pattern);
      }
      if (!pattern.test(path)) return false;
    }
    return this.#triggered(rule);
  }

  #triggered(rule: FaultTrigger): boolean {
    if (rule.count !== undefined) {
      if (rule.count <= 0) return false;
      if (rule.probability !== undefined && this.#random() >= rule.probability) return false;
      rule.count -= 1;
      return true;
    }
    return this.#random() < (rule.probability ?? 1);
  }
}

import * as z from 'zod/mini';
import { InvalidArgumentError } from '../errors.ts';

/** Schema of a {@link JobHandle}. */
export const JobHandleSchema = z.lazy(() =>
  z.object({
    contract: z.literal(1),
    provider: z.string().check(z.minLength(1)),
    id: z.string().check(z.minLength(1)),
    parts: z.optional(z.array(z.string())),
    data: z.optional(z.record(z.string(), z.json())),
  }),
);
/** A JSON value: what a handle's `data` holds. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A small JSON-serialisable reference to a job: enough for any later process to resume waiting on it,
 * download its outputs, or confirm a callback. Drivers put what they need to find the job again in `id`,
 * `parts` (provider jobs behind one neutral job) and `data`.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(job.handle);
 * const resumed = await stemkit.wait(JSON.parse(saved));
 * ```
 */
export type JobHandle = {
  /** The driver contract version that wrote it. */
  contract: 1;
  /** The driver the job belongs to. */
  provider: string;
  /** The job's id at the provider (for a job of several provider jobs, the driver's composed id). */
  id: string;
  /** The ids of the provider jobs behind one neutral job, for drivers that run several. */
  parts?: string[];
  /** What else the driver needs to find the job again, as JSON (the request, the source's summary…). */
  data?: Record<string, JsonValue>;
};

const TOKEN_PREFIX = 'sk1.';

/**
 * Encodes a handle as one URL-safe token, handy on a command line.
 *
 * @example
 * ```ts
 * const token = handleToToken(job.handle); // 'sk1.eyJjb250cmFjdCI6MS…'
 * ```
 */
export function handleToToken(handle: JobHandle): string {
  const parsed = JobHandleSchema.safeParse(handle);
  if (!parsed.success) throw new InvalidArgumentError('handle', 'must be a job handle');
  const bytes = new TextEncoder().encode(JSON.stringify(parsed.data));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return TOKEN_PREFIX + btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * Reads a handle back from a token, JSON text or a parsed object; returns `undefined` when it is not one.
 * The client's methods accept all three forms and report a bad one as an invalid-argument error.
 *
 * @example
 * ```ts
 * const handle = readHandle(process.argv[2]);
 * ```
 */
export function readHandle(input: unknown): JobHandle | undefined {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = input.startsWith(TOKEN_PREFIX) ? JSON.parse(decodeToken(input)) : JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  const parsed = JobHandleSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function decodeToken(token: string): string {
  const base64 = token.slice(TOKEN_PREFIX.length).replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(base64);
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

import * as z from 'zod/mini';
import { InvalidResponseError } from '../errors.ts';

/** Where a provider payload came from, for the error when it cannot be read. */
export interface PayloadSource {
  /** The provider that sent it. */
  readonly provider: string;
  /** What it is, in a few words (`the task`, `a callback body`). */
  readonly what: string;
  /** The HTTP status it came with, when it came in a response. */
  readonly status?: number;
}

/**
 * Parses a provider payload with a lenient schema; a payload that breaks even that is an
 * `InvalidResponseError` naming the provider, what was read and the first bad field. The HTTP toolkit parses
 * every `call` with a schema through it; drivers use it for bodies read otherwise (a 200-or-202 answer, a
 * callback).
 *
 * @example
 * ```ts
 * const TaskSchema = z.looseObject({ id: z.string(), status: z.nullish(z.string()) });
 * const task = parsePayload(TaskSchema, JSON.parse('{"id":"task-1"}'), { provider: 'acme', what: 'the task', status: 200 });
 * ```
 */
export function parsePayload<Schema extends z.ZodMiniType>(
  schema: Schema,
  payload: unknown,
  source: PayloadSource,
): z.output<Schema> {
  const parsed = z.safeParse(schema, payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at \`${issue.path.join('.')}\`` : '';
  throw new InvalidResponseError(
    `${source.provider} sent an unexpected body for ${source.what}${where}: ${issue?.message ?? 'invalid'}`,
    { provider: source.provider, status: source.status },
  );
}

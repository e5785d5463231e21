import { InvalidResponseError } from '@stemkit/core';
import * as z from 'zod/mini';

// Building blocks of the lenient wire schemas: every field may be missing or null, unknown fields are kept.

/** A string field that may be missing or null. */
export const optionalString = z.nullish(z.string());
/** A number field that may be missing or null. */
export const optionalNumber = z.nullish(z.number());
/** A boolean field that may be missing or null. */
export const optionalBoolean = z.nullish(z.boolean());
/** A `{code, message}` error object whose fields may be missing (`statusInfo` is `{}` when all is well). */
export const WireFailureSchema = z.looseObject({
  code: z.nullish(z.union([z.number(), z.string()])),
  message: optionalString,
});

/**
 * Parses a wire payload leniently; a payload that breaks even that is an `InvalidResponseError`.
 *
 * @example
 * ```ts
 * const job = parseOrThrow(LegacyJobSchema, body, 'job', 'audioshake-legacy');
 * ```
 */
export function parseOrThrow<Schema extends z.ZodMiniType>(
  schema: Schema,
  payload: unknown,
  what: string,
  provider: string,
): z.output<Schema> {
  const parsed = z.safeParse(schema, payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at \`${issue.path.join('.')}\`` : '';
  throw new InvalidResponseError(`${provider} sent an unexpected ${what}${where}: ${issue?.message}`, {
    provider,
  });
}

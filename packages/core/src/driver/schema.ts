/**
 * The zod/mini schema builders drivers write their lenient payload schemas with, from the copy of zod/mini
 * bundled into core: a driver that imports them here loads no second copy of zod, and its schemas are parsed by
 * the same code that builds them. Only what drivers use is listed, so a bundle keeps no other zod code alive.
 *
 * @example
 * ```ts
 * import { z } from '@stemkit/core/driver';
 * const TaskPayload = z.looseObject({ id: z.string(), status: z.nullish(z.string()) });
 * type TaskPayload = z.infer<typeof TaskPayload>;
 * ```
 *
 * @module
 */

export type { infer, input, output, ZodMiniType } from 'zod/mini';
export {
  array,
  boolean,
  lazy,
  literal,
  looseObject,
  maxLength,
  minLength,
  nullable,
  nullish,
  number,
  object,
  optional,
  record,
  string,
  union,
  unknown,
} from 'zod/mini';

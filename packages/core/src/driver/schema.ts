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

import type * as zod from 'zod/mini';

// The types are aliases declared here, not re-exported from zod/mini: the `.d.ts` bundler turns a re-exported
// type inside this `export * as z` namespace into a `declare const`, so `z.infer<…>` was a value in `dist`. The
// aliases have names of their own, exported as zod's: the bundler refers to them by bare name, and a bare
// `infer` outside a conditional type is a syntax error.

/** The type a schema parses to: `z.infer<typeof Schema>` and `z.output<typeof Schema>`, as in zod/mini. */
type SchemaOutput<Schema> = zod.output<Schema>;
/** The type a schema accepts before parsing: `z.input<typeof Schema>`, as in zod/mini. */
type SchemaInput<Schema> = zod.input<Schema>;
/** Any zod/mini schema, or one whose output is `Output` and input `Input`: `z.ZodMiniType`, as in zod/mini. */
type Schema<Output = unknown, Input = unknown> = zod.ZodMiniType<Output, Input>;

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
export type { Schema as ZodMiniType, SchemaInput as input, SchemaOutput as infer, SchemaOutput as output };

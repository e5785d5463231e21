import * as z from 'zod/mini';
import { InvalidArgumentError } from './errors.ts';

/**
 * Parses caller input strictly; a mismatch becomes an {@link InvalidArgumentError} naming the first bad field
 * (as a dotted path under `root`) and listing every issue.
 *
 * @example
 * ```ts
 * const name = parseArgument(z.string().check(z.minLength(1)), process.argv[2], 'name'); // an error naming `name`
 * ```
 */
export function parseArgument<Schema extends z.ZodMiniType>(
  schema: Schema,
  value: unknown,
  root: string,
): z.output<Schema> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    // An issue with the whole value (not an object at all) names the root, or `options` when there is none.
    field: [root, ...issue.path.map(String)].filter(Boolean).join('.') || 'options',
    message: issue.message,
  }));
  const first = issues[0] ?? { field: root || 'options', message: 'is invalid' };
  return throwInvalid(first.field, first.message, issues);
}

function throwInvalid(
  field: string,
  message: string,
  issues: ReadonlyArray<{ field: string; message: string }>,
): never {
  throw new InvalidArgumentError(field, message, { issues });
}

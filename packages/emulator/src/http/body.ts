import type { Context } from 'hono';
import type * as z from 'zod';
import { HttpError } from './errors.ts';

/** Reads a JSON body and validates it; a malformed body or a wrong field is a 400 naming the field. */
export async function readBody<Schema extends z.ZodType>(
  context: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  const text = await context.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'The request body is not valid JSON');
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    throw new HttpError(400, `${field}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

import type { Context } from 'hono';
import type * as z from 'zod';
import { HttpError } from './errors.ts';
import { bodyStream, discardBody } from './node-body.ts';

/** The largest JSON body any route reads: far above what a real request holds. */
export const maxJsonBytes = 1024 * 1024;

const tooLarge = () => new HttpError(413, `The JSON body is larger than ${maxJsonBytes} bytes`);

/**
 * A request's body as text, read to at most {@link maxJsonBytes}: a larger declared length is refused before
 * a byte is read, and a body that streams past the cap is refused as it crosses it (the rest is thrown away).
 */
export async function readBoundedText(request: Request): Promise<string> {
  if (Number(request.headers.get('content-length')) > maxJsonBytes) throw tooLarge();
  const body = bodyStream(request);
  if (!body) return '';
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxJsonBytes) {
        discardBody(request, body);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    body.on('error', () => reject(new HttpError(400, 'The request body was interrupted')));
  });
}

/** Reads a JSON body, capped, and validates it; a malformed body or a wrong field is a 400 naming the field. */
export async function readBody<Schema extends z.ZodType>(
  context: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  const text = await readBoundedText(context.req.raw);
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

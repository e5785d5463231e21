import { GatewayHttpError } from './errors.ts';

/** The largest JSON body the gateway reads: far above what a legacy request holds. */
export const MAX_JSON_BYTES = 1024 * 1024;

const tooLarge = () => new GatewayHttpError(413, `The JSON body is larger than ${MAX_JSON_BYTES} bytes`);

/**
 * Reads a JSON request body of at most {@link MAX_JSON_BYTES}: a larger declared length is refused before a
 * byte is read, a body that streams past the cap as it crosses it. An empty body is `{}`.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  if (Number(request.headers.get('content-length')) > MAX_JSON_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        throw new GatewayHttpError(400, 'The request body was interrupted');
      });
      if (done) break;
      size += value.byteLength;
      if (size > MAX_JSON_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayHttpError(400, 'The body is not JSON');
  }
}

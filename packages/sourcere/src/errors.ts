import { type ErrorBodyReader, readErrorBody } from '@stemkit/core';

/**
 * Reads Sourcere's error body, `{"status": 400, "error": "Bad Request", "message": "…"}`: the message is the
 * provider's explanation, `error` the status phrase it falls back to. Other shapes go to core's reader.
 */
export const readSourcereError: ErrorBodyReader = (body) => {
  if (typeof body === 'object' && body !== null) {
    const { message, error } = body as { message?: unknown; error?: unknown };
    if (typeof message === 'string' && message.length > 0) return { message };
    if (typeof error === 'string' && error.length > 0) return { message: error };
  }
  return readErrorBody(body);
};

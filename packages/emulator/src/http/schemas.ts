import * as z from 'zod';

/** A URL the emulator may call back or fetch: http or https only (never `javascript:`, `file:`…). */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/**
 * Sourcere's `callbackUrl`: any text, as its own example (`example-url.com`) is not a URL, but never a URL of
 * another scheme than http(s) (`javascript:`, `file:`…). Only a loopback or `.test` URL is ever called.
 */
export const sourcereCallbackUrl = z
  .string()
  .refine((value) => !/^\s*[a-z][a-z0-9+.-]*:/i.test(value) || /^\s*https?:/i.test(value), {
    message: 'must be an http(s) URL',
  });

/** A model or variant name: it becomes part of output file names, so letters, digits, `_` and `-` only. */
export const modelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and - only (at most 64)');

/** A name offered on download (a mix, a zip): any text but control characters (CR, LF, NUL…). */
export const displayName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\p{Cc}]*$/u, 'must not hold control characters');

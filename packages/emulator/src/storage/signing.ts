import { createHmac, timingSafeEqual } from 'node:crypto';
import { attachmentDisposition } from '../http/disposition.ts';

/** The bucket every signed URL names, as object stores put it first in the path. */
export const bucket = 'stemkit-emulator';

export type SignedMethod = 'GET' | 'PUT';

export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

/** Why a signed URL was refused; the message never repeats the signature. */
export interface SignatureProblem {
  code: 'MissingSecurityHeader' | 'SignatureDoesNotMatch' | 'ExpiredToken';
  message: string;
}

function compactDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseCompactDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
}

/**
 * Signs storage URLs GCS-style (`X-Goog-Date`, `X-Goog-Expires`, `X-Goog-Signature`, …) with an HMAC-SHA256
 * over the method, the path, the date, the lifetime and the download name, so any change to them is detected.
 */
export class UrlSigner {
  readonly #secret: string;
  readonly #baseUrl: () => string;

  constructor(secret: string, baseUrl: () => string) {
    this.#secret = secret;
    this.#baseUrl = baseUrl;
  }

  sign(method: SignedMethod, key: string, lifetimeSeconds: number, downloadName?: string): SignedUrl {
    // X-Goog-Date has whole seconds: rounded up, so a link never lives shorter than its X-Goog-Expires.
    const issued = new Date(Math.ceil(Date.now() / 1000) * 1000);
    const date = compactDate(issued);
    const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const expires = String(Math.max(1, Math.round(lifetimeSeconds)));
    const query = new URLSearchParams({
      'X-Goog-Algorithm': 'GOOG4-HMAC-SHA256',
      'X-Goog-Credential': `stemkit-emulator/${date.slice(0, 8)}/auto/storage/goog4_request`,
      'X-Goog-Date': date,
      'X-Goog-Expires': expires,
      'X-Goog-SignedHeaders': 'host',
    });
    if (downloadName !== undefined) {
      query.set('response-content-disposition', attachmentDisposition(downloadName));
    }
    query.set('X-Goog-Signature', this.#signature(method, path, query));
    const expiresAt = new Date(issued.getTime() + Number(expires) * 1000);
    return { url: `${this.#baseUrl()}${path}?${query}`, expiresAt };
  }

  /** Checks a request's signature and expiry; `undefined` when it is valid. */
  verify(
    method: SignedMethod,
    path: string,
    query: URLSearchParams,
    now = new Date(),
  ): SignatureProblem | undefined {
    const signature = query.get('X-Goog-Signature');
    const date = parseCompactDate(query.get('X-Goog-Date') ?? '');
    const expires = Number(query.get('X-Goog-Expires'));
    if (!signature || !date || !Number.isFinite(expires)) {
      return {
        code: 'MissingSecurityHeader',
        message: 'This URL is not signed: it needs X-Goog-* parameters',
      };
    }
    const expected = Buffer.from(this.#signature(method, path, query));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return {
        code: 'SignatureDoesNotMatch',
        message: 'The request signature does not match the one computed for this method and path',
      };
    }
    if (now.getTime() > date.getTime() + expires * 1000) {
      return { code: 'ExpiredToken', message: 'The signed URL has expired; ask the API for a fresh one' };
    }
    return undefined;
  }

  #signature(method: SignedMethod, path: string, query: URLSearchParams): string {
    const canonical = [
      method,
      path,
      query.get('X-Goog-Date') ?? '',
      query.get('X-Goog-Expires') ?? '',
      query.get('response-content-disposition') ?? '',
    ].join('\n');
    return createHmac('sha256', this.#secret).update(canonical).digest('hex');
  }
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signs and checks the gateway's download links: `<payload>.<signature>`, where the payload names the job and
 * output and the expiry. Links need no credential (as legacy links), expire, and reject tampering.
 */
export class LinkSigner {
  readonly #secret: Buffer;

  constructor(secret: string | Uint8Array | undefined) {
    secret ??= randomBytes(32);
    this.#secret = Buffer.from(secret);
  }

  /** A token for one output of one job, valid for `lifetimeSeconds`. */
  sign(jobId: string, outputName: string, lifetimeSeconds: number, now = Date.now()): string {
    const payload = Buffer.from(
      JSON.stringify({ j: jobId, o: outputName, e: Math.floor(now / 1000) + lifetimeSeconds }),
    ).toString('base64url');
    return `${payload}.${this.#signature(payload)}`;
  }

  /** The job and output a token names, `'expired'`, or `'invalid'`. */
  verify(token: string, now = Date.now()): { jobId: string; outputName: string } | 'expired' | 'invalid' {
    const [payload, signature] = token.split('.');
    if (!payload || !signature) return 'invalid';
    const expected = Buffer.from(this.#signature(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    try {
      const { j, o, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        j: string;
        o: string;
        e: number;
      };
      if (e * 1000 <= now) return 'expired';
      return { jobId: j, outputName: o };
    } catch {
      return 'invalid';
    }
  }

  #signature(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('base64url');
  }
}

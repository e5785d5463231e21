import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A cuid-like id, as the legacy API hands out (`c` and 24 lowercase letters or digits): 25 characters. */
export function legacyStyleId(): string {
  let id = 'c';
  for (const byte of randomBytes(24)) id += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return id;
}

import { randomBytes } from 'node:crypto';

const alphanumeric = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A 24-hex id like the Sourcere API's (`5f0c5fbab669c67bbbd1e2eb`). */
export function hexId(): string {
  return randomBytes(12).toString('hex');
}

/** A cuid-like id like AudioShake's (`clksrfob8000bf7of6xkscy8m`): `c` and 24 lowercase letters or digits. */
export function cuid(): string {
  const bytes = randomBytes(24);
  let id = 'c';
  for (const byte of bytes) id += alphanumeric[byte % alphanumeric.length];
  return id;
}

/**
 * The `idempotency_key` of task `index` of a job: a UUID (the API takes only UUIDs) derived from the caller's
 * key by SHA-256, so the same key and task give the same UUID in any process; a random one without a key, so
 * that the transport may still repeat the call.
 */
export async function taskKey(key: string | undefined, index: number): Promise<string> {
  if (key === undefined) return globalThis.crypto.randomUUID();
  const digest = new Uint8Array(
    await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(`stemkit:${key}:${index}`)),
  );
  // The version-4 and variant bits, so the key passes a uuid4 check.
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x40;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...digest.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

import { randomBytes } from 'node:crypto';
import { open, rename } from 'node:fs/promises';

/**
 * Writes a file so a reader never sees half of it: a temporary file, fsync'd, then renamed over the target.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/**
 * JSON with two-space indentation and a final newline, as every file this package writes.
 */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

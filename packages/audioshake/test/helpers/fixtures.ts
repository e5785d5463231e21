import { readFileSync } from 'node:fs';

/** A fixture payload, parsed fresh on each call so tests cannot leak changes into each other. */
export function fixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8'));
}

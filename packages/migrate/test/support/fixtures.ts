import { readFileSync } from 'node:fs';

/**
 * An example payload of AudioShake's docs, parsed fresh on each call. The payloads live once, with the drivers'
 * tests (`packages/audioshake/test/fixtures`, whose README says where each comes from).
 */
export function fixture(path: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`../../../audioshake/test/fixtures/${path}`, import.meta.url), 'utf8'),
  );
}

import { LEGACY_ONLY_MODELS } from '../shared/models.ts';
import type { MappingResult } from './result.ts';

/**
 * The Tasks model key of a legacy model name (spec §3.6). Every documented key carries over unchanged; the
 * legacy `music` and `speech` have no known Tasks key and are kept as they are, reported as a behaviour change
 * so a person decides (they are never mapped automatically).
 *
 * @example
 * ```ts
 * legacyModelToTaskModel('vocals'); // { value: 'vocals', dropped: [] }
 * legacyModelToTaskModel('music').dropped[0].reason; // 'the legacy DME "music" model has no known Tasks key; …'
 * ```
 */
export function legacyModelToTaskModel(name: string, field = 'metadata.name'): MappingResult<string> {
  const open = LEGACY_ONLY_MODELS[name];
  return { value: name, dropped: open ? [{ field, reason: open, behaviourChange: true }] : [] };
}

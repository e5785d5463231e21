import type { MappingResult } from './dropped.ts';

/**
 * Legacy model names whose Tasks equivalent is an open question. They are never mapped automatically: the
 * drivers send them as they are, and the mapping reports them.
 */
const LEGACY_ONLY_MODELS: Readonly<Record<string, string>> = {
  music:
    'the legacy DME "music" model has no known Tasks key; candidates are `music_fx` (music plus effects) ' +
    'or `music_removal` with `residual: true`',
  speech:
    "the legacy `speech` model (in the legacy API's own enum only) has no known Tasks key; `dialogue` is likely",
};

/**
 * The Tasks model key of a legacy model name (see docs/providers/audioshake-tasks.md, "From the legacy API"). Every documented key carries over unchanged; the
 * legacy `music` and `speech` have no known Tasks key and are kept as they are, reported as a behaviour change
 * so a person decides (they are never mapped automatically).
 *
 * @example
 * ```ts
 * legacyModelToTaskModel('vocals'); // { value: 'vocals', dropped: [] }
 * legacyModelToTaskModel('music').dropped[0]?.reason; // 'the legacy DME "music" model has no known Tasks key; …'
 * ```
 */
export function legacyModelToTaskModel(name: string, field = 'metadata.name'): MappingResult<string> {
  const open = LEGACY_ONLY_MODELS[name];
  return { value: name, dropped: open ? [{ field, reason: open, behaviourChange: true }] : [] };
}

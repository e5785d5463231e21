import type { LegacyJobRequest } from '@stemkit/audioshake';
import type { DroppedField } from '../legacy-to-tasks/dropped.ts';
import type { FieldReport } from './schema.ts';

const EXAMPLES = 5;

/** Legacy request fields the plan carries over, and where they go on the Tasks API. */
const MAPPED: ReadonlyArray<{ field: string; detail: string; present(request: LegacyJobRequest): boolean }> =
  [
    {
      field: 'metadata.name',
      detail: 'targets[].model (the same key; `music` and `speech` are reported)',
      present: (r) => Boolean(r.metadata?.name),
    },
    {
      field: 'metadata.format',
      detail: 'targets[].formats (wrapped in an array; jobs differing only in format share one target)',
      present: (r) => Boolean(r.metadata?.format),
    },
    {
      field: 'metadata.language',
      detail: 'targets[].language (`auto` is the default and is left out)',
      present: (r) => r.metadata?.language !== undefined,
    },
    {
      field: 'metadata.residual',
      detail: 'targets[].residual',
      present: (r) => r.metadata?.residual !== undefined,
    },
    {
      field: 'metadata.variant',
      detail: 'targets[].variant',
      present: (r) => r.metadata?.variant !== undefined,
    },
    {
      field: 'metadata.customProperty',
      detail: 'task metadata JSON, under customProperty keyed by target (one metadata string per task)',
      present: (r) => r.metadata?.customProperty !== undefined,
    },
    {
      field: 'assetId / sourceAsset',
      detail:
        'task url (the legacy asset’s fresh link, read at apply time) or a Tasks assetId from --sources',
      present: (r) => Boolean(r.assetId),
    },
  ];

/**
 * Collects the per-field report of a plan: every mapped field and every dropped one (from the audioshake
 * mapping's `dropped`, whose fields are prefixed with the request index), with job counts and a few ids.
 */
export class FieldReporter {
  readonly #rows = new Map<string, { row: Omit<FieldReport, 'jobs' | 'examples'>; jobs: Set<string> }>();

  /** Records the mapped fields one legacy job carries. */
  mapped(request: LegacyJobRequest, jobId: string): void {
    for (const rule of MAPPED) {
      if (rule.present(request))
        this.#add({ field: rule.field, outcome: 'mapped', detail: rule.detail }, jobId);
    }
  }

  /** Records a dropped field of one legacy job. */
  dropped(field: DroppedField, jobId: string): void {
    this.#add(
      {
        field: field.field,
        outcome: field.behaviourChange ? 'behaviour-change' : 'dropped',
        detail: field.reason,
      },
      jobId,
    );
  }

  /** The report rows: behaviour changes first, then dropped, then mapped fields. */
  rows(): FieldReport[] {
    const order = { 'behaviour-change': 0, dropped: 1, mapped: 2 } as const;
    return [...this.#rows.values()]
      .map(({ row, jobs }) => ({ ...row, jobs: jobs.size, examples: [...jobs].slice(0, EXAMPLES) }))
      .sort(
        (left, right) => order[left.outcome] - order[right.outcome] || left.field.localeCompare(right.field),
      );
  }

  #add(row: Omit<FieldReport, 'jobs' | 'examples'>, jobId: string): void {
    const id = `${row.outcome}\u0000${row.field}\u0000${row.detail}`;
    const entry = this.#rows.get(id) ?? { row, jobs: new Set<string>() };
    entry.jobs.add(jobId);
    this.#rows.set(id, entry);
  }
}

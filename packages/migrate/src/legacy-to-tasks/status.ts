import type { MappingResult } from './dropped.ts';

/** A Tasks target status. */
export type TasksTargetStatus = 'processing' | 'completed' | 'error';

/**
 * The Tasks target status of a legacy job status: `created` becomes `processing` (targets start
 * there), `failed` and `error` become `error`. An unknown status is reported and treated as processing.
 *
 * @example
 * ```ts
 * legacyStatusToTaskStatus('failed').value; // 'error'
 * ```
 */
export function legacyStatusToTaskStatus(
  status: string | null | undefined,
): MappingResult<TasksTargetStatus> {
  switch (status?.toLowerCase()) {
    case 'created':
      return {
        value: 'processing',
        dropped: [
          {
            field: 'status',
            reason: 'Tasks has no created state; targets start in processing',
            behaviourChange: false,
          },
        ],
      };
    case 'processing':
      return { value: 'processing', dropped: [] };
    case 'completed':
      return { value: 'completed', dropped: [] };
    case 'failed':
    case 'error':
      return { value: 'error', dropped: [] };
    default:
      return {
        value: 'processing',
        dropped: [{ field: 'status', reason: `unknown legacy status \`${status}\``, behaviourChange: false }],
      };
  }
}

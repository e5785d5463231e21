import { type DriverCallOptions, InvalidResponseError, type Usage } from '@stemkit/core/driver';
import type { TasksApi } from './api.ts';
import { TasksUsageSchema } from './wire.ts';

/**
 * One month of Tasks usage, with `totalMinutes` as a number (the wire sends a string).
 *
 * @example
 * ```ts
 * const month: TasksUsageMonth = { month: '2026-01', totalTargets: 12, totalMinutes: 31.5 };
 * ```
 */
export interface TasksUsageMonth {
  /** The calendar month, as `YYYY-MM`. */
  readonly month: string;
  /** Targets run that month (the legacy `totalJobs`: one job is one target); 0 when the API omits it. */
  readonly totalTargets: number;
  /** Minutes processed that month, parsed from the string the Tasks API sends; 0 when it omits it. */
  readonly totalMinutes: number;
}

/**
 * `GET /tasks/statistics?name=usage` as neutral usage: `totalTargets` are its targets, `totalMinutes` (a string
 * on the wire) its minutes; the parsed months, {@link TasksUsageMonth}, are its `raw`.
 */
export async function usage({ http }: TasksApi, options: DriverCallOptions = {}): Promise<Usage> {
  const { data } = await http.call({
    method: 'GET',
    path: 'tasks/statistics',
    searchParams: { name: 'usage' },
    schema: TasksUsageSchema,
    signal: options.signal,
    what: 'read the usage statistics',
  });
  const months = data.map((row): TasksUsageMonth => {
    const totalMinutes = Number(row.totalMinutes ?? 0);
    if (!Number.isFinite(totalMinutes)) {
      throw new InvalidResponseError(
        `${http.provider} sent totalMinutes \`${row.totalMinutes}\` for ${row.month}`,
        {
          provider: http.provider,
        },
      );
    }
    return { month: row.month, totalTargets: row.totalTargets ?? 0, totalMinutes };
  });
  return {
    provider: http.provider,
    months: months
      .map((row) => ({ month: row.month, targets: row.totalTargets, minutes: row.totalMinutes }))
      .sort((left, right) => left.month.localeCompare(right.month)),
    raw: months,
  };
}

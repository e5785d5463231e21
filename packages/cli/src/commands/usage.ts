import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { printResult } from '../output/result.ts';
import { renderTable } from '../output/table.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

/**
 * `stemkit usage`: targets and minutes per month, where the provider reports usage (both AudioShake APIs);
 * refused with exit code 2 before any request elsewhere.
 *
 * @example
 * ```sh
 * stemkit usage --provider audioshake-legacy --json
 * ```
 */
export function usageCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('usage').description(
      "show the account's usage per month (targets, minutes), where the provider reports it",
    ),
  ).action(async (flags: SessionFlags) => {
    const session = await openSession(context, flags);
    try {
      const usage = await session.stemkit.usage({ signal: context.signal });
      const rows = usage.months.map((month) => [
        month.month,
        String(month.targets),
        month.minutes.toFixed(2),
      ]);
      printResult(context, {
        text: renderTable(
          [{ header: 'month' }, { header: 'targets', align: 'right' }, { header: 'minutes', align: 'right' }],
          rows,
        ),
        json: { provider: usage.provider, months: usage.months },
      });
    } finally {
      await session.close();
    }
  });
}

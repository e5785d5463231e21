import { handleToToken, type Job } from '@stemkit/core';
import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { jobSummary } from '../follow.ts';
import { printResult } from '../output/result.ts';
import { renderTable } from '../output/table.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

interface ListFlags extends SessionFlags {
  readonly limit: string;
}

/**
 * `stemkit list`: the account's latest jobs, where the provider lists them (the Tasks API); refused with exit
 * code 2 before any request elsewhere.
 *
 * @example
 * ```sh
 * stemkit list --provider audioshake --limit 10 --json
 * ```
 */
export function listCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('list')
      .description("list the account's jobs, where the provider can (capability `list`)")
      .option('-n, --limit <count>', 'at most this many jobs', '20'),
  ).action(async (flags: ListFlags) => {
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UsageError(`--limit must be a whole number of jobs, 1 or more (got "${flags.limit}")`);
    }
    const session = await openSession(context, flags);
    try {
      const jobs: Job[] = [];
      const listed = session.stemkit.list({ pageSize: Math.min(limit, 100), signal: context.signal });
      for await (const job of listed) {
        jobs.push(job);
        if (jobs.length >= limit) break;
      }
      printResult(context, {
        text: jobsTable(jobs),
        json: { provider: session.stemkit.provider, jobs: jobs.map(jobSummary) },
      });
    } finally {
      await session.close();
    }
  });
}

function jobsTable(jobs: readonly Job[]): string {
  if (jobs.length === 0) return 'no jobs';
  return renderTable(
    [
      { header: 'job' },
      { header: 'status' },
      { header: 'created' },
      { header: 'source' },
      { header: 'stems' },
      { header: 'handle' },
    ],
    jobs.map((job) => [
      job.id,
      job.status,
      job.createdAt ?? '',
      job.source?.name ?? '',
      job.targets.map((target) => target.stem).join(','),
      handleToToken(job.handle),
    ]),
  );
}

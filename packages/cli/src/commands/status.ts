import { isTerminal } from '@stemkit/core';
import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { jobSummary, parseHandle } from '../follow.ts';
import { printResult, targetsTable } from '../output/result.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

/**
 * `stemkit status <handle>`: the job as it is now, one request, no waiting.
 *
 * @example
 * ```sh
 * stemkit status sk1.eyJjb250cmFjdCI6MS… --json
 * ```
 */
export function statusCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('status')
      .description("show a job's status now, without waiting")
      .argument('<handle>', 'the sk1.… token `separate` printed'),
  ).action(async (handleText: string, flags: SessionFlags) => {
    const handle = parseHandle(handleText);
    const session = await openSession(context, flags, handle.provider);
    try {
      const job = await session.stemkit.get(handle, { signal: context.signal });
      // The provider's stage says where a running job is; once finished, the status says it all.
      const stage =
        job.progress?.stage === undefined || isTerminal(job.status) ? '' : ` (${job.progress.stage})`;
      printResult(context, {
        text: `job ${job.id} on ${job.provider}: ${job.status}${stage}\n\n${targetsTable(job)}`,
        json: { job: jobSummary(job) },
      });
    } finally {
      await session.close();
    }
  });
}

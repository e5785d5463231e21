import { Command } from 'commander';
import { parseSeconds } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { follow, jobSummary, parseHandle } from '../follow.ts';
import { printResult, targetsTable } from '../output/result.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

interface WaitFlags extends SessionFlags {
  readonly timeout?: string;
}

/**
 * `stemkit wait <handle>`: waits until the job finishes, showing the provider's stages.
 *
 * @example
 * ```sh
 * stemkit wait sk1.eyJjb250cmFjdCI6MS… --timeout 600
 * ```
 */
export function waitCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('wait')
      .description('wait until a job finishes')
      .argument('<handle>', 'the sk1.… token `separate` printed')
      .option('--timeout <seconds>', 'give up waiting after this long (exit code 5)'),
  ).action(async (handleText: string, flags: WaitFlags) => {
    const handle = parseHandle(handleText);
    const timeoutMs = flags.timeout === undefined ? undefined : parseSeconds('--timeout', flags.timeout);
    const session = await openSession(context, flags, handle.provider);
    try {
      const job = await follow(session, context, handle, timeoutMs === undefined ? {} : { timeoutMs });
      printResult(context, {
        text: `job ${job.id} on ${job.provider}: ${job.status}\n\n${targetsTable(job)}`,
        json: { job: jobSummary(job) },
        failedTargets: job.targets.filter((target) => target.status !== 'succeeded'),
      });
    } finally {
      await session.close();
    }
  });
}

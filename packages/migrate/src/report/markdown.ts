import type { MigrationPlan } from '../plan/schema.ts';
import type { VerifyReport } from '../verify/verify.ts';

/**
 * A verify report as Markdown: the counts, then every failed job with its problems, then the jobs whose
 * audio could not be compared.
 *
 * @example
 * ```ts
 * await writeFile('verify.md', verifyReportMarkdown(report));
 * ```
 */
export function verifyReportMarkdown(report: VerifyReport): string {
  const { summary } = report;
  const lines = [
    '# Migration verify report',
    '',
    `Plan \`${report.plan}\`, checked ${report.checkedAt}: **${report.clean ? 'clean' : `${summary.failed} failed`}**.`,
    '',
    '| jobs | passed | failed | audio compared | not compared | tasks |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${summary.jobs} | ${summary.passed} | ${summary.failed} | ${summary.compared} | ${summary.notCompared} | ${summary.tasks} |`,
    '',
  ];
  const failed = report.jobs.filter((job) => !job.ok);
  if (failed.length > 0) {
    lines.push('## Failures', '', '| legacy job | task | target | problems |', '| --- | --- | --- | --- |');
    for (const job of failed) {
      lines.push(
        `| ${job.legacyJobId} | ${job.taskId ?? '—'} | ${job.targetId ?? '—'} | ${escapeCell(job.problems.join('; '))} |`,
      );
    }
    lines.push('');
  }
  const noted = report.jobs.filter((job) => job.ok && job.notes.length > 0);
  if (noted.length > 0) {
    lines.push('## Not compared', '', '| legacy job | why |', '| --- | --- |');
    for (const job of noted) lines.push(`| ${job.legacyJobId} | ${escapeCell(job.notes.join('; '))} |`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

/**
 * A plan's summary as Markdown: its tasks and jobs, then the field report (behaviour changes first).
 *
 * @example
 * ```ts
 * console.log(planSummaryMarkdown(plan));
 * ```
 */
export function planSummaryMarkdown(plan: MigrationPlan): string {
  const targets = plan.tasks.reduce((sum, task) => sum + task.targets.length, 0);
  const lines = [
    '# Migration plan',
    '',
    `Plan \`${plan.id}\`: ${Object.keys(plan.jobs).length} legacy jobs → ${plan.tasks.length} tasks, ${targets} targets (at most ${plan.maxTargets} per task).`,
    '',
    '| field | outcome | jobs | detail |',
    '| --- | --- | ---: | --- |',
    ...plan.fields.map(
      (row) => `| \`${row.field}\` | ${row.outcome} | ${row.jobs} | ${escapeCell(row.detail)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

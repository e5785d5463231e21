import type { StemkitDriver } from '../driver/contract.ts';
import type { Job } from '../model/job.ts';
import { isTerminal } from '../model/status.ts';

/**
 * The driver as the client uses it: every job it returns gets what the client derives the same way for all
 * providers — a progress fraction (the share of finished targets) where the provider tells none. Every other
 * operation is the driver's own, reached through the prototype.
 */
export function neutralJobs(driver: StemkitDriver): StemkitDriver {
  const wrapped: StemkitDriver = Object.create(driver);
  return Object.assign(wrapped, {
    start: async (...args: Parameters<StemkitDriver['start']>) => {
      const result = await driver.start(...args);
      return result.job ? { ...result, job: withFraction(result.job) } : result;
    },
    status: async (...args: Parameters<StemkitDriver['status']>) => {
      const result = await driver.status(...args);
      return { ...result, job: withFraction(result.job) };
    },
    ...(driver.statusMany
      ? {
          statusMany: async (...args: Parameters<NonNullable<StemkitDriver['statusMany']>>) => {
            const results = await driver.statusMany!(...args);
            return results.map((result) => ({ ...result, job: withFraction(result.job) }));
          },
        }
      : {}),
    ...(driver.list
      ? {
          list: async (...args: Parameters<NonNullable<StemkitDriver['list']>>) => {
            const page = await driver.list!(...args);
            return { ...page, jobs: page.jobs.map(withFraction) };
          },
        }
      : {}),
  });
}

/**
 * The job with `progress.fraction` set: the provider's own when it gives one, else the share of its targets
 * that have finished.
 */
export function withFraction(job: Job): Job {
  if (job.progress?.fraction !== undefined || job.targets.length === 0) return job;
  const finished = job.targets.filter((target) => isTerminal(target.status)).length;
  return { ...job, progress: { events: [], ...job.progress, fraction: finished / job.targets.length } };
}

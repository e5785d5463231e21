import { type Job, type JobHandle, NotFoundError, z } from '@stemkit/core/driver';
import type { ElevenLabsApi } from './api.ts';

/** What the handle keeps: the driver instance that ran the call (the job lives nowhere else). */
export const HandleData = z.object({ instance: z.string() });

const REMEMBERED_JOBS = 1_000;

/**
 * The jobs this driver instance ran, bounded (oldest forgotten first). ElevenLabs keeps nothing: a job exists
 * only in the process whose call received its ZIP.
 */
export class EphemeralJobs {
  readonly #jobs = new Map<string, Job>();

  /** Keeps a finished job. */
  remember(job: Job): void {
    this.#jobs.set(job.id, job);
    for (const id of this.#jobs.keys()) {
      if (this.#jobs.size <= REMEMBERED_JOBS) break;
      this.#jobs.delete(id);
    }
  }

  /** The job of `handle`; a `NotFoundError` saying the provider keeps nothing when this instance did not run it. */
  find(api: ElevenLabsApi, handle: JobHandle): Job {
    const { id, data } = api.context.readHandle(handle, HandleData);
    const job = this.#jobs.get(id);
    if (job) return job;
    const where =
      data.instance === api.instance
        ? 'this process has forgotten it'
        : 'the handle comes from another process or client';
    throw new NotFoundError(
      `elevenlabs keeps nothing once its one call returns: job ${id} lived only in the process that ran it, and ${where}; separate the source again`,
      { provider: 'elevenlabs' },
    );
  }
}

// Compiled against the packed tarballs (packed-install.test.ts, `strict`, `skipLibCheck: false`) and against the
// sources (the workspace typecheck). Every check here stops compiling when the type it checks turns into `any`:
// an `@ts-expect-error` whose error is gone is itself an error, and `notAny` refuses `any`.

import {
  audioshakeTasks,
  type LegacyAsset,
  type LegacyJob,
  legacyJobsOf,
  type TasksTask,
  taskOf,
} from '@stemkit/audioshake';
import { type Asset, createStemkit, type Job, type JobStatus, type Target } from '@stemkit/core';
import { z } from '@stemkit/core/driver';
import { type SourcereSeparation, sourcereSeparationOf } from '@stemkit/sourcere';

/** `true` only for `any`: `1 & T` is `any` (so `0` extends it) for no other type. */
type IsAny<T> = 0 extends 1 & T ? true : false;
/** Compiles for any type but `any`. */
function notAny<T>(_value: T, ..._refused: IsAny<T> extends true ? [never] : []): void {}

declare const job: Job;
const stemkit = createStemkit({ driver: audioshakeTasks({ apiKey: 'key' }) });

// The provider payload readers: their fields are typed, not `any`.
// @ts-expect-error a legacy job's clientId is a string, not a number
export const legacyClientId: number = legacyJobsOf(job)[0]?.clientId;
// @ts-expect-error a task's clientId is a string, not a number
export const taskClientId: number = taskOf(job).clientId;
// @ts-expect-error a task's targets are an array (or null), not a string
export const taskTargets: string = taskOf(job).targets;
// @ts-expect-error the outputs of a legacy job are assets, not numbers
export const legacyOutput: number = legacyJobsOf(job)[0]?.outputAssets?.[0];
// @ts-expect-error a Sourcere separation's id is a string
export const separationId: number = sourcereSeparationOf(job).separationId;
// @ts-expect-error the progress events of a Sourcere separation are an array
export const separationEvents: string = sourcereSeparationOf(job).progress.events;
notAny(legacyJobsOf(job));
notAny(legacyJobsOf(job)[0]?.status);
notAny(taskOf(job));
notAny(taskOf(job).targets);
notAny(sourcereSeparationOf(job).progress);
notAny(sourcereSeparationOf(job).request);
notAny({} as LegacyJob);
notAny({} as LegacyAsset);
notAny({} as TasksTask);
notAny({} as SourcereSeparation);

// The neutral model.
notAny(job);
notAny(job.targets);
notAny(job.targets[0]?.outputs);
notAny(job.handle);
notAny({} as Asset);
notAny({} as Target);
// @ts-expect-error a job's id is a string
export const jobId: number = job.id;
// @ts-expect-error `done` is no job status
export const status: JobStatus = 'done';
// @ts-expect-error an asset's size is a number of bytes
export const assetSize: string = job.targets[0]?.outputs[0]?.sizeBytes;

// z.infer from the driver entry is a type, and the type the schema parses to.
const Payload = z.object({ a: z.string() });
type Payload = z.infer<typeof Payload>;
// @ts-expect-error `a` is a string
export const payload: Payload = { a: 1 };
notAny({ a: 'text' } satisfies Payload);

// The client's options.
export async function wrongOptions(): Promise<void> {
  // @ts-expect-error a wrong stem option: `residual` is a boolean
  await stemkit.separate({ source: 'song.wav', targets: [{ stem: 'vocals', residual: 'yes' }] });
  // @ts-expect-error a wrong stem option: no target option is called `residul`
  await stemkit.separate({ source: 'song.wav', targets: [{ stem: 'vocals', residul: true }] });
  // @ts-expect-error a wrong format: a zip's format is an audio format
  await stemkit.zip(job, { stems: ['vocals'], format: 'wma' });
  // @ts-expect-error a wrong format: `formats` is a list
  await stemkit.separate({ source: 'song.wav', stems: ['vocals'], formats: 'wav' });
  // @ts-expect-error `separate` needs a source
  await stemkit.separate({ stems: ['vocals'] });
  notAny(await stemkit.separate({ source: 'song.wav', stems: ['vocals'] }));
  notAny(await stemkit.wait(job));
}

import {
  type Asset,
  DRIVER_CONTRACT_VERSION,
  type DriverCallOptions,
  type DriverCapabilities,
  InvalidArgumentError,
  type JobHandle,
  type JobPage,
  type LinkRequest,
  type LinkResult,
  NotFoundError,
  type StartRequest,
  type StartResult,
  type StatusResult,
  type StemkitDriver,
  UnsupportedCapabilityError,
} from '@stemkit/core';
import { findOutput } from '../shared/assets.ts';
import { AUDIOSHAKE_FORMATS } from '../shared/formats.ts';
import { createAudioShakeHttp } from '../shared/http.ts';
import { parsedTaskToNeutral, TASKS_PROVIDER } from './mapping.ts';
import { type AudioShakeTasksOptions, resolveTasksOptions } from './options.ts';
import { buildTaskRequest, createTask, getTask, listTasks } from './tasks.ts';
import { uploadTasksAsset } from './upload.ts';
import { fetchTasksUsage, type TasksUsageMonth } from './usage.ts';
import { parseTasksWebhook } from './webhooks.ts';

/** Largest page `GET /tasks` serves. */
const MAX_PAGE_SIZE = 100;

/**
 * The Tasks driver: the stemkit contract plus `usage()`, the monthly statistics the contract has no place for.
 */
export interface AudioShakeTasksDriver extends StemkitDriver {
  /** `GET /tasks/statistics?name=usage`: targets and minutes per month. */
  usage(options?: DriverCallOptions): Promise<TasksUsageMonth[]>;
  list(
    request: { readonly cursor?: string; readonly pageSize: number },
    options?: DriverCallOptions,
  ): Promise<JobPage>;
}

/**
 * A stemkit driver for AudioShake's Tasks API: one task is one neutral job, each target one neutral target.
 *
 * - A `{ url }` source goes straight into the task (`url`); an uploaded asset goes in as `assetId`.
 * - Output links expire after an hour: `link()` re-fetches the task for a fresh one.
 * - `list` pages `GET /tasks?skip&take` (the cursor is the skip count); `usage()` reads the statistics.
 * - Webhooks are per account: `parseCallback` reads one (a full task per finished target).
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core';
 * import { audioshakeTasks } from '@stemkit/audioshake';
 *
 * const stemkit = createStemkit({ driver: audioshakeTasks({ apiKey: process.env.AUDIOSHAKE_API_KEY }) });
 * const job = await stemkit.wait(await stemkit.separate({ source: 'song.mp3', stems: ['vocals', 'drums'] }));
 * ```
 */
export function audioshakeTasks(options: AudioShakeTasksOptions = {}): AudioShakeTasksDriver {
  const settings = resolveTasksOptions(options);
  const http = createAudioShakeHttp(
    TASKS_PROVIDER,
    settings.baseUrl,
    { 'x-api-key': settings.apiKey },
    settings.apiKey,
    settings,
  );
  const capabilities: DriverCapabilities = {
    stems: 'any',
    formats: AUDIOSHAKE_FORMATS,
    maxTargets: settings.maxTargets,
    trial: false,
    residual: true,
    transcription: true,
    alignment: true,
    callbacks: 'account',
    urlInput: true,
    variants: true,
    languages: true,
    maxUploadBytes: 2 * 1024 ** 3,
  };

  async function start(request: StartRequest, callOptions: DriverCallOptions = {}): Promise<StartResult> {
    if (request.trial) {
      throw new UnsupportedCapabilityError('trial', 'The AudioShake Tasks API cannot separate a section', {
        provider: TASKS_PROVIDER,
      });
    }
    if (request.targets.length > settings.maxTargets) {
      throw new InvalidArgumentError(
        'targets',
        `has ${request.targets.length} entries; a task takes at most ${settings.maxTargets}`,
      );
    }
    const { body, warnings } = buildTaskRequest(request);
    const task = await createTask(http, body, callOptions.signal);
    const { value: job } = parsedTaskToNeutral(task, settings.now());
    return { handle: job.handle, job: { ...job, warnings }, warnings };
  }

  async function status(handle: JobHandle, callOptions: DriverCallOptions = {}): Promise<StatusResult> {
    assertTasksHandle(handle);
    const task = await getTask(http, handle.id, callOptions.signal);
    return { job: parsedTaskToNeutral(task, settings.now()).value };
  }

  async function link(
    handle: JobHandle,
    request: LinkRequest,
    callOptions: DriverCallOptions = {},
  ): Promise<LinkResult> {
    // Links expire after an hour: the task itself is the only place to get a fresh one.
    const { job } = await status(handle, callOptions);
    const output = findOutput(job, request.asset, request.format);
    if (!output && request.format && request.format !== request.asset.format) {
      throw new UnsupportedCapabilityError(
        `format:${request.format}`,
        `The Tasks API converts nothing on demand; add \`${request.format}\` to the target's formats`,
        { provider: TASKS_PROVIDER },
      );
    }
    if (!output?.url) {
      throw new NotFoundError(`No output ${request.asset.name} in task ${handle.id}`, {
        provider: TASKS_PROVIDER,
      });
    }
    return { ready: true, url: output.url, ...(output.expiresAt ? { expiresAt: output.expiresAt } : {}) };
  }

  async function list(
    request: { readonly cursor?: string; readonly pageSize: number },
    callOptions: DriverCallOptions = {},
  ): Promise<JobPage> {
    const skip = request.cursor === undefined ? 0 : Number(request.cursor);
    if (!Number.isInteger(skip) || skip < 0)
      throw new InvalidArgumentError('cursor', 'is not a Tasks list cursor');
    const take = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(request.pageSize)));
    const tasks = await listTasks(http, { skip, take }, callOptions.signal);
    const fetchedAt = settings.now();
    const jobs = tasks.map((task) => parsedTaskToNeutral(task, fetchedAt).value);
    // No total and no next cursor on the wire: a short page is the last one.
    return tasks.length < take ? { jobs } : { jobs, nextCursor: String(skip + take) };
  }

  return {
    contract: DRIVER_CONTRACT_VERSION,
    provider: TASKS_PROVIDER,
    capabilities,
    fetch: http.api.fetch,
    upload: (request, callOptions): Promise<Asset> =>
      uploadTasksAsset(http, request, settings.now(), callOptions?.signal),
    start,
    status,
    link,
    list,
    parseCallback: parseTasksWebhook,
    usage: (callOptions = {}) => fetchTasksUsage(http, callOptions.signal),
  };
}

function assertTasksHandle(handle: JobHandle): void {
  if (handle.provider !== TASKS_PROVIDER) {
    throw new InvalidArgumentError('handle.provider', `is \`${handle.provider}\`, not \`${TASKS_PROVIDER}\``);
  }
}

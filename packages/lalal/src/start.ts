import {
  type DriverCallOptions,
  InvalidArgumentError,
  type StartRequest,
  type StartResult,
  summarizeSource,
  type Warning,
} from '@stemkit/core/driver';
import type { LalalApi } from './api.ts';
import { planTasks } from './catalog.ts';
import type { HandleData } from './handle.ts';
import { taskKey } from './idempotency.ts';
import { TaskResponse } from './wire.ts';

/**
 * Starts the job's tasks (the fewest, see `planTasks`), each with an `idempotency_key` derived from the
 * request's key, so the transport may repeat a start whose answer was lost without making a second task. A
 * task that fails to start cancels those already made.
 */
export async function start(
  api: LalalApi,
  request: StartRequest,
  options: DriverCallOptions = {},
): Promise<StartResult> {
  if (!('asset' in request.source)) {
    throw new InvalidArgumentError('source', 'LALAL.AI separates uploaded files only');
  }
  const sourceId = request.source.asset.id;
  const plan = planTasks(request.targets);
  const taskIds: string[] = [];
  try {
    for (const [index, task] of plan.tasks.entries()) {
      const idempotencyKey = await taskKey(request.idempotencyKey, index);
      const { data } = await api.http.call({
        method: 'POST',
        path: `split/${task.endpoint}/`,
        json: { source_id: sourceId, presets: task.presets, idempotency_key: idempotencyKey },
        idempotencyKey,
        schema: TaskResponse,
        what: `start a ${task.endpoint} task`,
        signal: options.signal,
      });
      taskIds.push(data.task_id);
    }
  } catch (error) {
    if (taskIds.length > 0) {
      await api.http
        .call({
          method: 'POST',
          path: 'cancel/',
          json: { task_ids: taskIds },
          what: 'cancel the tasks started',
        })
        .catch(() => undefined);
    }
    throw error;
  }
  const data: HandleData = {
    source: summarizeSource(request.source),
    targets: request.targets.map((target, index) => {
      const placement = plan.placements[index] as (typeof plan.placements)[number];
      return {
        stem: target.stem,
        format: target.formats[0] as string,
        task: placement.task,
        label: placement.label,
        ...(placement.residualLabel !== undefined && target.residual
          ? { residualLabel: placement.residualLabel }
          : {}),
        ...(target.variant ? { variant: target.variant } : {}),
      };
    }),
  };
  return {
    handle: api.context.handle(taskIds.join('+'), { parts: taskIds, data }),
    warnings: ignored(request),
  };
}

/** Options the API has no word for, as warnings. */
function ignored(request: StartRequest): Warning[] {
  const warnings: Warning[] = [];
  if (request.metadata !== undefined) {
    warnings.push({ code: 'ignored', field: 'metadata', message: 'LALAL.AI stores no metadata with a task' });
  }
  if (request.priority !== undefined) {
    warnings.push({ code: 'ignored', field: 'priority', message: 'LALAL.AI has no task priority' });
  }
  return warnings;
}

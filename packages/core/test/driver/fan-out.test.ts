import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  combineTargetStatuses,
  createFanOut,
  type FanOutPlan,
  fanOutHandle,
  fanOutTargetsSchema,
  partialCreationWarning,
  RateLimitError,
  readFanOut,
} from '../../src/driver/index.ts';

interface Made {
  readonly id: string;
  readonly body: string;
}

const plans: Array<FanOutPlan<string>> = [
  { stem: 'vocals', formats: ['wav', 'mp3'], requests: ['vocals.wav', 'vocals.mp3'] },
  { stem: 'drums', formats: ['wav'], requests: ['drums.wav'] },
];

/** A create call that fails at the `failAt`-th call (0-based) with `error`; records what it was asked. */
function creator(failAt?: number, error: unknown = new RateLimitError('slow down', { provider: 'acme' })) {
  const asked: string[] = [];
  const create = async (body: string): Promise<Made> => {
    asked.push(body);
    if (asked.length - 1 === failAt) throw error;
    return { id: `job-${asked.length}`, body };
  };
  return { asked, create };
}

describe('createFanOut', () => {
  it('creates every planned job in order, grouped by target, with the first job id as target id', async () => {
    const { asked, create } = creator();
    const created = await createFanOut(plans, create, (job) => job.id);
    expect(asked).toEqual(['vocals.wav', 'vocals.mp3', 'drums.wav']);
    expect(created).toMatchObject({ planned: 3, created: 3 });
    expect(created.failure).toBeUndefined();
    expect(created.targets.map((target) => [target.id, target.jobs.length])).toEqual([
      ['job-1', 2],
      ['job-3', 1],
    ]);
    expect(partialCreationWarning(created, 'jobs')).toBeUndefined();
  });

  it('throws when the very first creation fails: nothing was made', async () => {
    const { asked, create } = creator(0);
    await expect(createFanOut(plans, create, (job) => job.id)).rejects.toBeInstanceOf(RateLimitError);
    expect(asked).toHaveLength(1);
  });

  it('stops at a later failure: jobs made stay, every target short of jobs carries the failure', async () => {
    const { asked, create } = creator(1);
    const created = await createFanOut(plans, create, (job) => job.id);
    expect(asked).toEqual(['vocals.wav', 'vocals.mp3']); // no creation after the failure
    expect(created).toMatchObject({ planned: 3, created: 1, failure: { code: 'rate-limit' } });
    expect(created.targets[0]).toMatchObject({ id: 'job-1', failure: { message: 'slow down' } });
    expect(created.targets[1]).toMatchObject({
      id: 'not-created-1',
      jobs: [],
      failure: { message: 'slow down' },
    });
    expect(partialCreationWarning(created, 'legacy jobs')).toEqual({
      code: 'partial-creation',
      message: '1 of 3 legacy jobs were created; the others failed: slow down',
    });
  });

  it('throws an abort even after jobs were made: the caller stopped it', async () => {
    const abort = new DOMException('stopped', 'AbortError');
    const { create } = creator(2, abort);
    await expect(createFanOut(plans, create, (job) => job.id)).rejects.toBe(abort);
  });

  it('keeps a failure that is no Error as its text', async () => {
    const { create } = creator(2, 'boom');
    const created = await createFanOut(plans, create, (job) => job.id);
    expect(created.failure).toEqual({ message: 'boom' });
  });
});

describe('fanOutHandle and readFanOut', () => {
  it('round-trips which jobs make which target through JSON handle data', async () => {
    const { create } = creator(2);
    const created = await createFanOut(plans, create, (job) => job.id);
    const { parts, targets } = fanOutHandle(created.targets, (job) => job.id);
    expect(parts).toEqual(['job-1', 'job-2']);
    const stored = z.parse(fanOutTargetsSchema(), JSON.parse(JSON.stringify(targets)));
    const read: string[] = [];
    const back = await readFanOut(stored, parts, async (id) => {
      read.push(id);
      return { id, body: 'read' };
    });
    expect(read.sort()).toEqual(['job-1', 'job-2']);
    expect(back.map((target) => [target.id, target.stem, target.jobs.map((job) => job.id)])).toEqual([
      ['job-1', 'vocals', ['job-1', 'job-2']],
      ['not-created-1', 'drums', []],
    ]);
    expect(back[1]?.failure?.message).toBe('slow down');
  });

  it('reads a handle without targets as one target per part', async () => {
    const back = await readFanOut(undefined, ['a', 'b'], async (id) => ({ id }));
    expect(back.map((target) => [target.id, target.jobs.length])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });
});

describe('combineTargetStatuses', () => {
  it.each([
    [['succeeded', 'succeeded'], 'succeeded'],
    [['succeeded', 'failed'], 'failed'],
    [['canceled', 'failed'], 'failed'],
    [['succeeded', 'canceled'], 'canceled'],
    [['queued', 'queued'], 'queued'],
    [['queued', 'succeeded'], 'running'],
    [['running', 'queued'], 'running'],
  ] as const)('%j → %s', (statuses, expected) => {
    expect(combineTargetStatuses(statuses)).toBe(expected);
  });
});

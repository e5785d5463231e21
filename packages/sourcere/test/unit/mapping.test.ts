import { describe, expect, test } from 'vitest';
import { toJob } from '../../src/to-neutral.ts';
import type { ProgressResponse } from '../../src/wire.ts';
import { createHandle } from '../helpers/handle.ts';

const minute = 60_000;
const now = Date.parse('2026-01-01T12:00:00.000Z');
const context = { now, stallTimeoutMs: 30 * minute };
const data = {
  stems: ['vocals', 'drums'],
  formats: ['wav'],
  startedAt: new Date(now - minute).toISOString(),
};
const handle = createHandle('5f0c60f3b669c67bbbd1e2ee', data);

/** A log of the named events, one second apart, the last one `ageMs` before `now`. */
function log(names: string[], ageMs = 1000, messages: Record<string, string> = {}): ProgressResponse {
  return {
    events: names.map((event, index) => ({
      event,
      guid: `guid-${index}`,
      timestamp: new Date(now - ageMs - (names.length - 1 - index) * 1000).toISOString(),
      message: messages[event] ?? null,
    })),
    outputFiles: null,
  };
}

const preparation = [
  'Formatting Request File',
  'Request Formatting Done',
  'Requesting Metadata',
  'Metadata Task Done',
];
const queued = [...preparation, 'Starting Separation'];

describe('the status table', () => {
  test.each<[string, ProgressResponse, string]>([
    ['no event yet', { events: [], outputFiles: null }, 'queued'],
    ['preparation steps only', log(preparation), 'queued'],
    ['Starting Separation', log(queued), 'queued'],
    ['Queue message received', log([...queued, 'Queue message received']), 'running'],
    ['Processing', log([...queued, 'Queue message received', 'Processing']), 'running'],
    [
      'Finalising without outputFiles',
      log([...queued, 'Queue message received', 'Processing', 'Finalising']),
      'running',
    ],
    [
      'an unknown event after the worker took it',
      log([...queued, 'Queue message received', 'Uploading']),
      'running',
    ],
    [
      'outputFiles listed',
      {
        ...log([...queued, 'Finalising']),
        outputFiles: ['bass.wav', 'drums.wav', 'other.wav', 'vocals.wav'],
      },
      'succeeded',
    ],
    ['a Failed event last', log([...queued, 'Queue message received', 'Failed']), 'failed'],
    ['a retry after a failure', log([...queued, 'Failed', 'Queue message received']), 'running'],
  ])('%s → %s', (_case, body, status) => {
    expect(toJob(handle, data, body, context).status).toBe(status);
  });
});

describe('failures', () => {
  test('a Failed event gives every target the provider message', () => {
    const body = log([...queued, 'Queue message received', 'Failed'], 1000, { Failed: 'Out of memory' });

    const job = toJob(handle, data, body, context);

    expect(job.targets.map((target) => target.error)).toEqual([
      { code: 'Failed', message: 'Out of memory' },
      { code: 'Failed', message: 'Out of memory' },
    ]);
  });

  test('a log silent for longer than stallTimeoutMs is a stalled failure naming the last event', () => {
    const job = toJob(
      handle,
      data,
      log([...queued, 'Queue message received', 'Processing'], 31 * minute),
      context,
    );

    expect(job.status).toBe('failed');
    expect(job.targets[0]?.error?.code).toBe('stalled');
    expect(job.targets[0]?.error?.message).toMatch(
      /no progress since the event "Processing" at .* \(more than 30 min\)/,
    );
  });

  test('a log silent for less than stallTimeoutMs is still running', () => {
    const job = toJob(
      handle,
      data,
      log([...queued, 'Queue message received', 'Processing'], 29 * minute),
      context,
    );

    expect(job.status).toBe('running');
  });

  test('a job with no event long after its start is stalled too', () => {
    const old = { ...data, startedAt: new Date(now - 40 * minute).toISOString() };

    const job = toJob(handle, old, { events: [], outputFiles: null }, context);

    expect(job.targets[0]?.error?.message).toMatch(/no progress since its start/);
  });

  test('a requested stem missing from outputFiles fails alone: the job is partial', () => {
    const body = { ...log(queued), outputFiles: ['vocals.wav', 'track.wav'] };

    const job = toJob(handle, data, body, context);

    expect(job.status).toBe('partial');
    expect(job.targets.map((target) => target.status)).toEqual(['succeeded', 'failed']);
  });
});

describe('progress', () => {
  test('the fraction is the share of documented steps done, 1 once the outputs are listed', () => {
    const fraction = (names: string[], trial = false) =>
      toJob(handle, { ...data, trial: trial ? {} : undefined }, log(names), context).progress?.fraction;

    expect(fraction([])).toBeUndefined();
    expect(fraction(['Formatting Request File'])).toBeCloseTo(1 / 9);
    expect(fraction([...queued, 'Queue message received', 'Processing'])).toBeCloseTo(7 / 9);
    expect(fraction([...preparation, 'Trial Chunking Start'], true)).toBeCloseTo(5 / 11);
    expect(fraction([...queued, 'Queue message received', 'Processing', 'Unknown'])).toBeCloseTo(7 / 9);
  });

  test('the stage is the last event, whatever its name', () => {
    expect(toJob(handle, data, log([...queued, 'Something New']), context).progress?.stage).toBe(
      'Something New',
    );
  });

  test('a handle without stems (from a callback) takes them from outputFiles, or waits on one placeholder', () => {
    const bare = createHandle('5f0c60f3b669c67bbbd1e2ee', {});

    const done = toJob(bare, {}, { ...log(queued), outputFiles: ['track.wav', 'vocals.wav'] }, context);
    const running = toJob(bare, {}, log([...queued, 'Processing']), context);

    expect(done.targets.map((target) => target.stem)).toEqual(['instrumental', 'vocals']);
    expect(running.targets.map((target) => [target.stem, target.status])).toEqual([['*', 'running']]);
  });
});

import {
  ConnectionError,
  InvalidArgumentError,
  InvalidResponseError,
  JobFailedError,
  ProviderError,
  RateLimitError,
  WaitTimeoutError,
} from '@stemkit/core';
import { describe, expect, it } from 'vitest';
import { createdNothing, isPermanent } from '../src/track.ts';

// A track asks the error what a failure means (core's `retryable` and `createdNothing`): no list of its own.

const handle = { contract: 1 as const, provider: 'acme', id: 'job_1' };

describe('a failed start', () => {
  it('answered 429 created nothing, and is worth another attempt of the track', () => {
    const error = new RateLimitError('slow down', { retryAfterMs: 1_000 });
    expect(createdNothing(error)).toBe(true);
    expect(isPermanent(error)).toBe(false);
  });

  it.each([
    ['a lost answer', new ConnectionError('lost')],
    ['a 503', new ProviderError('busy', { status: 503 })],
    ['a 408', new ProviderError('timeout', { status: 408 })],
  ])('met with %s may have made a job, and is worth another attempt', (_what, error) => {
    expect(createdNothing(error)).toBe(false);
    expect(isPermanent(error)).toBe(false);
  });

  it.each([
    ['a 422', new ProviderError('bad', { status: 422 })],
    ['a bad argument', new InvalidArgumentError('stems', 'empty')],
  ])('refused with %s created nothing, and a retry cannot mend it', (_what, error) => {
    expect(createdNothing(error)).toBe(true);
    expect(isPermanent(error)).toBe(true);
  });

  it('aborted before sending created nothing', () => {
    expect(createdNothing(new DOMException('stopped', 'AbortError'))).toBe(true);
  });
});

describe('a failed track', () => {
  it('is retried after a wait cut short, and not after a failed job or an unreadable answer', () => {
    expect(isPermanent(new WaitTimeoutError(handle, 1_000))).toBe(false);
    expect(isPermanent(new JobFailedError(handle, { message: 'bad audio' }))).toBe(true);
    expect(isPermanent(new InvalidResponseError('garbled'))).toBe(true);
  });

  it('fails at once on a file that cannot be read', () => {
    expect(isPermanent(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(true);
    expect(isPermanent(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(false);
  });
});

import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConnectionError,
  DownloadError,
  InvalidArgumentError,
  InvalidResponseError,
  isAbortError,
  JobFailedError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  redact,
  redactingLogger,
  registerSecret,
  StemkitError,
  toStemkitError,
  UnsupportedCapabilityError,
  UploadError,
  WaitTimeoutError,
} from '../src/driver/index.ts';

describe('errors know their own retry semantics', () => {
  const handle = { contract: 1 as const, provider: 'acme', id: 'job_1' };
  it.each([
    // [error, retryable, createdNothing]
    ['a 429 on a create (answered before anything is done)', new RateLimitError('slow down'), true, true],
    ['a 503', new ProviderError('busy', { status: 503 }), true, false],
    ['a 500', new ProviderError('oops', { status: 500 }), true, false],
    ['a 408', new ProviderError('timeout', { status: 408 }), true, false],
    ['a 422', new ProviderError('bad', { status: 422 }), false, true],
    ['a 409', new ProviderError('conflict', { status: 409 }), false, true],
    ['a 302 not followed', new ProviderError('redirected', { status: 302 }), false, false],
    ['a 401', new AuthenticationError('no', { status: 401 }), false, true],
    ['a 404', new NotFoundError('gone', { status: 404 }), false, true],
    ['no answer', new ConnectionError('lost'), true, false],
    ['an unreadable answer', new InvalidResponseError('garbled'), false, false],
    ['a bad argument', new InvalidArgumentError('stems', 'empty'), false, true],
    ['a missing capability', new UnsupportedCapabilityError('mix', 'no mix'), false, true],
    ['a failed job', new JobFailedError(handle, { message: 'bad audio' }), false, false],
    ['a wait cut short', new WaitTimeoutError(handle, 1_000), true, false],
    ['a broken upload', new UploadError('broken'), false, false],
    ['a download with no answer', new DownloadError('lost'), true, false],
    ['a download refused after a refresh', new DownloadError('refused', { status: 403 }), true, false],
    ['a download met with a 503', new DownloadError('busy', { status: 503 }), true, false],
  ] as const)('%s', (_what, error, retryable, createdNothing) => {
    expect(error.retryable).toBe(retryable);
    expect(error.createdNothing).toBe(createdNothing);
  });

  it('are getters, so they stay out of toJSON and the own fields', () => {
    const error = new RateLimitError('slow down', { provider: 'acme' });
    expect(JSON.parse(JSON.stringify(error))).not.toHaveProperty('retryable');
    expect(Object.keys(error)).not.toContain('createdNothing');
  });
});

describe('errors', () => {
  it('recognise their kind through isInstance, subclasses included', () => {
    const error = new RateLimitError('slow down', { provider: 'acme', retryAfterMs: 2_000 });
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(StemkitError.isInstance(error)).toBe(true);
    expect(AuthenticationError.isInstance(error)).toBe(false);
    expect(StemkitError.isInstance(new Error('plain'))).toBe(false);
    expect(StemkitError.isInstance(null)).toBe(false);
  });

  it('recognise an instance from another copy of the package (same marker, other classes)', () => {
    class StemkitErrorCopy extends Error {}
    Object.defineProperty(StemkitErrorCopy, 'name', { value: 'StemkitError' });
    class RateLimitErrorCopy extends StemkitErrorCopy {}
    Object.defineProperty(RateLimitErrorCopy, 'name', { value: 'RateLimitError' });
    const foreign = new RateLimitErrorCopy('from elsewhere');
    Object.defineProperty(foreign, Symbol.for('stemkit.error'), { value: true });
    expect(RateLimitError.isInstance(foreign)).toBe(true);
    expect(StemkitError.isInstance(foreign)).toBe(true);
    expect(ConnectionError.isInstance(foreign)).toBe(false);
  });

  it('serialise only safe fields: no cause, no job, secrets masked', () => {
    registerSecret('hunter2-password');
    const cause = new Error('request with Authorization: Bearer abc.def.ghi');
    const error = new AuthenticationError('login as bob:hunter2-password refused', {
      provider: 'acme',
      status: 401,
      cause,
    });
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toEqual({
      name: 'AuthenticationError',
      code: 'auth',
      message: 'login as bob:[redacted] refused',
      provider: 'acme',
      status: 401,
    });
    expect(inspect(error)).not.toContain('hunter2-password');
    const handle = { contract: 1 as const, provider: 'acme', id: 'job_1' };
    const failed = new JobFailedError(handle, { code: 'E1', message: 'bad audio' });
    expect(JSON.parse(JSON.stringify(failed))).toMatchObject({
      code: 'job-failed',
      handle,
      failure: { code: 'E1' },
    });
    expect(new WaitTimeoutError(handle, 5_000).message).toContain('job_1');
  });

  it('mask credential-shaped text nobody registered', () => {
    expect(redact('GET https://s.test/a.wav?X-Amz-Signature=abc123&X-Amz-Credential=AKIA/x&part=1')).toBe(
      'GET https://s.test/a.wav?X-Amz-Signature=[redacted]&X-Amz-Credential=[redacted]&part=1',
    );
    expect(redact('Authorization: Bearer abcdef123456')).toBe('Authorization: Bearer [redacted]');
    expect(redact('authorization: Basic dXNlcjpwYXNz')).toBe('authorization: Basic [redacted]');
    expect(redact('{"x-api-key":"key-123456"}')).toBe('{"x-api-key":"[redacted]"}');
    expect(redact('Authorization: abcdef123456')).toBe('Authorization: [redacted]');
  });

  it("keep a hint's own example readable: `send Authorization: Bearer <token>` is no secret", () => {
    const hint = 'Missing or invalid token: send Authorization: Bearer <token>';
    expect(redact(hint)).toBe(hint);
    expect(redact('x-api-key: <your key>')).toBe('x-api-key: <your key>');
    expect(redact('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here')).toBe(
      'token [redacted] here',
    );
  });

  it('log safely: scrubbed, and never throwing on fields JSON cannot hold', () => {
    const lines: unknown[] = [];
    const logger = redactingLogger({
      debug: (...all) => lines.push(all),
      info: () => undefined,
      warn: () => undefined,
    });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    logger.debug('GET https://s.test/a?sig=abc123', { circular, token: 'Bearer abcdef123456' });
    expect(JSON.stringify(lines)).not.toMatch(/abc123|abcdef123456/);
    logger.debug('ok', { authorization: 'Bearer abcdef123456' });
    expect(JSON.stringify(lines)).not.toContain('abcdef123456');
  });

  it('let aborts through untouched', () => {
    const abort = new DOMException('aborted', 'AbortError');
    expect(isAbortError(abort)).toBe(true);
    expect(toStemkitError(abort, { provider: 'acme' })).toBe(abort);
    const timeout = new DOMException('timed out', 'TimeoutError');
    expect(toStemkitError(timeout, { provider: 'acme' })).toBe(timeout);
    expect(isAbortError(new ConnectionError('x'))).toBe(false);
  });
});

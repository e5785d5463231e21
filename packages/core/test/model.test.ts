import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DRIVER_CONTRACT_VERSION,
  deriveJobStatus,
  expiryOfSignedUrl,
  formatOfMimeType,
  handleToToken,
  isTerminal,
  JobHandleSchema,
  mimeTypeOf,
  OutputFormatSchema,
  parseRetryAfter,
  readHandle,
  StemNameSchema,
  type TargetStatus,
  TargetStatusSchema,
} from '../src/driver/index.ts';

const targetStatus = fc.constantFrom<TargetStatus>(...TargetStatusSchema.options);

describe('job status', () => {
  it('speaks driver contract v1', () => {
    expect(DRIVER_CONTRACT_VERSION).toBe(1);
  });

  it.each([
    [[], 'queued'],
    [['queued', 'queued'], 'queued'],
    [['succeeded', 'queued'], 'running'],
    [['running', 'failed'], 'running'],
    [['succeeded', 'succeeded'], 'succeeded'],
    [['succeeded', 'failed'], 'partial'],
    [['succeeded', 'canceled'], 'partial'],
    [['failed', 'canceled'], 'failed'],
    [['canceled', 'canceled'], 'canceled'],
  ] as const)('derives %j → %s', (statuses, expected) => {
    expect(deriveJobStatus(statuses)).toBe(expected);
  });

  it('is terminal exactly when every target is', () => {
    fc.assert(
      fc.property(fc.array(targetStatus, { minLength: 1, maxLength: 8 }), (statuses) => {
        const finished = statuses.every((status) => !['queued', 'running'].includes(status));
        expect(isTerminal(deriveJobStatus(statuses))).toBe(finished);
      }),
    );
  });

  it('is succeeded only when all succeeded, and partial only when some did and some did not', () => {
    fc.assert(
      fc.property(fc.array(targetStatus, { minLength: 1, maxLength: 8 }), (statuses) => {
        const status = deriveJobStatus(statuses);
        const succeeded = statuses.filter((each) => each === 'succeeded').length;
        if (status === 'succeeded') expect(succeeded).toBe(statuses.length);
        if (status === 'partial') expect(succeeded).toBeGreaterThan(0);
        if (status === 'partial') expect(succeeded).toBeLessThan(statuses.length);
        if (status === 'failed' || status === 'canceled') expect(succeeded).toBe(0);
      }),
    );
  });
});

describe('handles', () => {
  const handles = fc.record({
    contract: fc.constant(1 as const),
    provider: fc.string({ minLength: 1 }),
    id: fc.string({ minLength: 1 }),
    parts: fc.option(fc.array(fc.string()), { nil: undefined }),
    data: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
  });

  it('round-trip through JSON text and tokens, whatever they hold', () => {
    fc.assert(
      fc.property(handles, (handle) => {
        const parsed = JobHandleSchema.parse(handle);
        const token = handleToToken(parsed);
        expect(token).toMatch(/^sk1\.[\w-]+$/);
        expect(readHandle(token)).toEqual(JSON.parse(JSON.stringify(parsed)));
        expect(readHandle(JSON.stringify(parsed))).toEqual(JSON.parse(JSON.stringify(parsed)));
      }),
    );
  });

  it('read nothing from what is not a handle', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.object()), (value) => {
        const handle = readHandle(value);
        if (handle) expect(JobHandleSchema.safeParse(handle).success).toBe(true);
      }),
    );
    expect(readHandle('sk1.!!!')).toBeUndefined();
    expect(() => handleToToken({ id: 'x' } as never)).toThrow(/`handle`/);
    expect(readHandle({ contract: 2, provider: 'x', id: 'y' })).toBeUndefined();
  });
});

describe('names and formats', () => {
  it('normalise formats and map MIME types both ways', () => {
    expect(OutputFormatSchema.parse(' .WAV ')).toBe('wav');
    for (const blank of [' ', '.', '', 'w a v'])
      expect(OutputFormatSchema.safeParse(blank).success).toBe(false);
    expect(StemNameSchema.safeParse('   ').success).toBe(false);
    expect(StemNameSchema.parse(' vocals ')).toBe('vocals');
    expect(mimeTypeOf('MP3')).toBe('audio/mpeg');
    expect(mimeTypeOf('xyz')).toBe('application/octet-stream');
    expect(formatOfMimeType('audio/x-wav')).toBe('wav');
    expect(formatOfMimeType('audio/flac; charset=binary')).toBe('flac');
  });

  it('read Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('expiryOfSignedUrl', () => {
  it('reads the expiry a signed URL states, GCS, S3 or CloudFront style', () => {
    expect(expiryOfSignedUrl('https://s.test/a?X-Goog-Date=20260101T000000Z&X-Goog-Expires=3600')).toBe(
      '2026-01-01T01:00:00.000Z',
    );
    expect(expiryOfSignedUrl('https://s.test/a?X-Amz-Date=20260101T000000Z&X-Amz-Expires=60')).toBe(
      '2026-01-01T00:01:00.000Z',
    );
    expect(expiryOfSignedUrl('https://cdn.test/a.mp3?Expires=1767225600')).toBe('2026-01-01T00:00:00.000Z');
    for (const silent of [
      'https://cdn.test/a.mp3?Expires=2',
      'https://cdn.test/a.mp3',
      'not a url',
      undefined,
    ]) {
      expect(expiryOfSignedUrl(silent)).toBeUndefined();
    }
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStemkit, isAbortError, type StemkitDriver, UploadError } from '../../src/index.ts';
import { createMockDriver, type MockDriverOptions, sampleWav } from '../support/mock.ts';
import { settle } from '../support/timers.ts';

// `upload` waits on the driver's single-shot `inspect` with the schedule and hints `wait` follows (fake time).

const bytes = sampleWav({ seconds: 0.5 });

function setup(script: MockDriverOptions = {}) {
  const driver = createMockDriver({ retryLimit: 0, ...script });
  const asks: number[] = [];
  const timed: StemkitDriver = {
    ...driver,
    ...(driver.inspect && {
      inspect(asset, options) {
        asks.push(Date.now());
        return driver.inspect!(asset, options);
      },
    }),
  };
  const stemkit = createStemkit({ driver: timed, wait: { jitter: 0 } });
  const operations = () => driver.server.requests.map((request) => request.operation);
  return { stemkit, asks, operations };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('upload with inspect', () => {
  it('asks at once, follows the 202 hint, and resolves with the metadata', async () => {
    const { stemkit, asks, operations } = setup({ inspect: { notReady: 2, retryAfterMs: 2_000 } });
    const uploadedAt = Date.now();
    const { value } = await settle(stemkit.upload(bytes, { name: 'song.wav' }));
    expect(value).toMatchObject({ durationSeconds: 0.5, channels: 1, sampleRate: 8_000 });
    expect(asks.map((at) => at - uploadedAt)).toEqual([0, 2_000, 4_000]);
    expect(operations()).toEqual(['upload', 'inspect', 'inspect', 'inspect']);
  });

  it('backs off on the wait schedule when the provider gives no hint', async () => {
    const { stemkit, asks } = setup({ inspect: { notReady: 3 } });
    const { value } = await settle(stemkit.upload(bytes));
    expect(value?.durationSeconds).toBe(0.5);
    expect(asks.slice(1).map((at, index) => at - (asks[index] ?? 0))).toEqual([1_000, 1_500, 2_250]);
  });

  it('reports an undecodable upload at upload, with the provider message', async () => {
    const { stemkit } = setup({ inspect: { notReady: 1 } });
    const { error } = await settle(
      // MPEG frames, as the client's sniff sees them, in a file the provider cannot decode.
      stemkit.upload(
        new Uint8Array(834).map((_, index) =>
          index % 417 === 0 ? 0xff : index % 417 === 1 ? 0xfb : index % 417 === 2 ? 0x90 : 0,
        ),
        { name: 'a.wav' },
      ),
    );
    expect(UploadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('not a WAV file');
  });

  it('waits on it in separate too, before starting', async () => {
    const { stemkit, operations } = setup({ inspect: { notReady: 1, retryAfterMs: 500 } });
    const { value } = await settle(stemkit.separate({ source: bytes, stems: ['vocals'] }));
    expect(value?.status).toBe('queued');
    expect(operations()).toEqual(['upload', 'inspect', 'inspect', 'start']);
  });

  it('returns the stored asset without metadata past the deadline', async () => {
    const { stemkit, asks } = setup({ inspect: { notReady: 1_000, retryAfterMs: 5_000 } });
    const { value } = await settle(stemkit.upload(bytes));
    expect(value?.id).toMatch(/^src_/);
    expect(value?.durationSeconds).toBeUndefined();
    expect(asks.at(-1)! - asks[0]!).toBe(60_000);
  });

  it('stops waiting when the signal aborts, with the AbortError untouched', async () => {
    const { stemkit, asks } = setup({ inspect: { notReady: 1_000, retryAfterMs: 5_000 } });
    const controller = new AbortController();
    const upload = stemkit.upload(bytes, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(7_000);
    controller.abort();
    const { error } = await settle(upload);
    expect(isAbortError(error)).toBe(true);
    expect(asks).toHaveLength(2);
  });
});

describe('upload without inspect', () => {
  it('resolves with the stored asset after one request', async () => {
    const { stemkit, operations } = setup();
    const { value } = await settle(stemkit.upload(bytes));
    expect(value?.durationSeconds).toBeUndefined();
    expect(operations()).toEqual(['upload']);
  });
});

import { isAbortError } from '@stemkit/core';
import { describe, expect, it } from 'vitest';
import { withRetries } from '../../src/verify/verify.ts';

describe("verify's read retries", () => {
  it('stop during the pause between reads when aborted: no read after the abort', async () => {
    const controller = new AbortController();
    let reads = 0;
    const error = await withRetries(async () => {
      reads++;
      // Aborted while the first pause (200 ms) runs.
      setTimeout(() => controller.abort(), 20);
      throw new Error('transfer cut short');
    }, controller.signal).catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
    expect(reads).toBe(1);
  });

  it('try a failed read again, up to three times', async () => {
    let reads = 0;
    const value = await withRetries(async () => {
      if (++reads < 3) throw new Error('transfer cut short');
      return 'bytes';
    }, undefined);
    expect(value).toBe('bytes');
    expect(reads).toBe(3);
  });
});

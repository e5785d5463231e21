import { describe, expect, it } from 'vitest';
import { DRIVER_CONTRACT_VERSION } from '../src/index.ts';

describe('core', () => {
  it('speaks driver contract v1', () => {
    expect(DRIVER_CONTRACT_VERSION).toBe(1);
  });
});

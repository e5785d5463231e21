import { handleToToken, readHandle } from '@stemkit/core/driver';
import { describe, expect, it } from 'vitest';
import { audioshakeLegacy, legacyHandle } from '../../src/index.ts';

describe('legacyHandle', () => {
  it("writes the legacy driver's handle of one job, which the codec reads back unchanged", () => {
    const handle = legacyHandle('clxyz123');
    expect(handle).toEqual({
      contract: 1,
      provider: audioshakeLegacy.provider,
      id: 'clxyz123',
      parts: ['clxyz123'],
    });
    expect(readHandle(handleToToken(handle))).toEqual(handle);
  });
});

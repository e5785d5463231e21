import { describe, expect, it } from 'vitest';
import { createStemkit, InvalidArgumentError, readHandle } from '../../src/index.ts';
import { createMockDriver } from '../support/mock.ts';

describe('the driver contract, checked by one owner (the options schema and the handle codec)', () => {
  it('refuses a driver of another contract version, naming driver.contract', () => {
    const driver = { ...createMockDriver(), contract: 2 } as unknown as ReturnType<typeof createMockDriver>;
    const refusal = (() => {
      try {
        createStemkit({ driver });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(InvalidArgumentError);
    expect((refusal as InvalidArgumentError).message).toContain('driver.contract');
  });

  it('reads handles of the current contract version only', () => {
    expect(readHandle({ contract: 1, provider: 'mock', id: 'x' })).toEqual({
      contract: 1,
      provider: 'mock',
      id: 'x',
    });
    expect(readHandle({ contract: 2, provider: 'mock', id: 'x' })).toBeUndefined();
  });
});

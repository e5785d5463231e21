import type { JobHandle } from '@stemkit/core';
import type { HandleData } from '../../src/handle.ts';

/** A Sourcere handle as the driver writes it, for tests that need one without starting a job. */
export function createHandle(separationId: string, data: HandleData): JobHandle {
  return { contract: 1, provider: 'sourcere', id: separationId, data: JSON.parse(JSON.stringify(data)) };
}

import { afterAll, beforeAll, describe, it } from 'vitest';
import { conformanceChecks } from './checks.ts';
import { type ConformanceContext, createConformanceContext } from './context.ts';
import type { ConformanceHarness, ConformanceOptions } from './harness.ts';

/**
 * Registers the driver conformance suite with vitest: one test per check, all against one harness built once.
 * Call it at the top level of a test file.
 *
 * @example
 * ```ts
 * import { describeDriverConformance } from '@stemkit/testing';
 * describeDriverConformance('sourcere', async () => createSourcereHarness());
 * ```
 */
export function describeDriverConformance(
  name: string,
  createHarness: () => Promise<ConformanceHarness> | ConformanceHarness,
  options: ConformanceOptions = {},
): void {
  const timeout = options.checkTimeoutMs ?? 60_000;
  describe(`${name} driver conformance`, () => {
    let context: ConformanceContext | undefined;
    beforeAll(async () => {
      context = createConformanceContext(await createHarness(), options);
    }, timeout);
    afterAll(async () => {
      await context?.harness.close();
    }, timeout);
    for (const each of conformanceChecks) {
      it(
        each.name,
        async () => {
          if (!context) throw new Error('the conformance harness could not be created');
          await each.run(context);
        },
        timeout,
      );
    }
  });
}

// Run the shared conformance suite against your driver: one vitest test per check.
// Here the metered driver wraps the mock driver of @stemkit/testing; a real driver's harness wires it to the
// emulator instead (see packages/sourcere/test/conformance.test.ts).
import { createMockHarness, describeDriverConformance, sampleWav } from '@stemkit/testing';
import { expect, it } from 'vitest';
import { metered } from './metered-driver.ts';

describeDriverConformance('metered', () => createMockHarness({}, metered));

it('counts one provider operation per call', async () => {
  const harness = createMockHarness();
  const driver = metered(harness.driver);
  const song = sampleWav({ seconds: 0.1 });
  await driver.upload({ body: new Blob([song]).stream(), name: 'song.wav', size: song.byteLength });
  expect(Object.fromEntries(driver.calls)).toEqual({ upload: 1 });
  expect(driver.cancel === undefined).toBe(harness.driver.cancel === undefined);
});

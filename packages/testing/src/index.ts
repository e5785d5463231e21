/**
 * Testing tools for stemkit drivers and apps: a scriptable in-memory mock driver, a faulty `fetch`, and the
 * driver conformance suite every driver package runs against itself.
 *
 * @packageDocumentation
 */

export { ConformanceFailure } from './conformance/assert.ts';
export { type ConformanceCheck, conformanceChecks } from './conformance/checks.ts';
export { type ConformanceContext, createConformanceContext } from './conformance/context.ts';
export { describeDriverConformance } from './conformance/describe.ts';
export type { ConformanceHarness, ConformanceOptions } from './conformance/harness.ts';
export { createFaultyFetch, type FaultyFetch, type InjectedStatus } from './faulty-fetch.ts';
export { createMockDriver, type MockDriver, type MockDriverOptions } from './mock/driver.ts';
export { createMockHarness } from './mock/harness.ts';
export type { MockFault, MockOperation, MockScript } from './mock/script.ts';
export {
  createMockServer,
  MOCK_API_KEY,
  MOCK_API_URL,
  MOCK_STORAGE_URL,
  type MockRequestRecord,
  type MockServer,
  type MockUploadRecord,
} from './mock/server.ts';
export { sampleWav } from './sample.ts';

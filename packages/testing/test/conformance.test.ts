import { describeDriverConformance } from '../src/index.ts';
import { createMockHarness } from '../src/mock/harness.ts';

// The suite as a driver package runs it, against the in-memory mock provider.
describeDriverConformance('mock', () => createMockHarness());

// The same suite with another output format and every optional method switched off.
describeDriverConformance('mock (mp3, no optional methods)', () =>
  createMockHarness({
    request: { stems: ['drums'], format: 'mp3' },
    features: { mix: false, zip: false, list: false, cancel: false, callbacks: false },
  }),
);

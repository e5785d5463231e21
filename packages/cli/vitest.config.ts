import { stemkitProject } from '../../vitest.shared.ts';

// End-to-end tests run the binary as a subprocess, several times per test: allow for a busy machine.
export default stemkitProject('cli', { globalSetup: ['test/setup/build.ts'], testTimeout: 60_000 });

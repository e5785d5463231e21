import { stemkitProject } from '../../vitest.shared.ts';

export default stemkitProject('migrate', { testTimeout: 60_000, hookTimeout: 60_000 });

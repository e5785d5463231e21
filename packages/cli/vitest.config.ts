import { stemkitProject } from '../../vitest.shared.ts';

export default stemkitProject('cli', { globalSetup: ['test/setup/build.ts'] });

import { stemkitProject } from '../vitest.shared.ts';

export default stemkitProject('suites', { include: ['**/*.test.ts'], exclude: ['**/node_modules/**'] });

import { stemkitProject } from '../../vitest.shared.ts';

export default stemkitProject('lalal');

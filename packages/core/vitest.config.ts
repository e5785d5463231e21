import { stemkitProject } from '../../vitest.shared.ts';

// Type tests (`*.test-d.ts`) run through tsc alongside the others: the model's interfaces against its schemas.
export default stemkitProject('core', {
  include: ['test/**/*.test.ts'],
  typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
});

import { defineConfig, type ViteUserConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests: no build step between an edit and a test run.
const conditions = ['@stemkit/source'];

/**
 * The settings every vitest project in the workspace shares. Run on its own (`pnpm test` runs each package
 * through turbo), a project also writes a JSON report that `.ci/run` sums into one closing line.
 */
export function stemkitProject(name: string, test: NonNullable<ViteUserConfig['test']> = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      // Generous, hooks included (emulators, builds): CI machines run these suites up to twice as slowly as a
      // workstation.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      reporters: ['default', ['json', { outputFile: 'test-report.json' }]],
      ...test,
    },
  });
}

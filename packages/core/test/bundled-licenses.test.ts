import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// Core's dist carries copies of the packages tsup bundles (`noExternal` in tsup.config.ts); their licenses ship
// beside it. A version bump without a new notice fails here.
const BUNDLED = ['ky', 'ts-pattern', 'zod', 'p-throttle'];

it('ships the license of every bundled package, at the version bundled', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    files: string[];
  };
  const notices = readFileSync(new URL('../THIRD-PARTY-LICENSES.md', import.meta.url), 'utf8');
  expect(manifest.files).toContain('THIRD-PARTY-LICENSES.md');
  for (const name of BUNDLED) {
    const version = manifest.dependencies[name] ?? manifest.devDependencies[name];
    expect(notices).toContain(`## ${name} ${version}\n`);
  }
});

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// What a cold start costs, kept from regressing without timing anything (the figures are `pnpm bench`'s): the
// module files Node loads to import core and a driver from the built `dist` (116 before ky, zod and ts-pattern
// were bundled into core), and that importing them, or creating a client, does not load Node's fetch (undici,
// a quarter of an import's CPU): ky loads on the first call. Runs the built `dist`: `pnpm test` builds first.
const run = promisify(execFile);
const testPackage = fileURLToPath(new URL('..', import.meta.url));

/** Core's entry, its two shared chunks and the `z` namespace helper, the driver entry, the driver. */
const MOST_MODULE_FILES = 6;

interface ColdStart {
  files: string[];
  undiciAfterImport: boolean;
  undiciAfterCreate: boolean;
}

/** In a fresh Node process: imports `modules`, then runs `create` (a client over a driver). */
async function coldStart(modules: Record<string, string>, create: string): Promise<ColdStart> {
  const script = [
    `const { registerHooks } = await import('node:module');`,
    'const files = [];',
    `registerHooks({ load(url, context, next) { if (url.startsWith('file:')) files.push(url); return next(url, context); } });`,
    `const undici = () => process.moduleLoadList.some((name) => name.includes('undici'));`,
    ...Object.entries(modules).map(
      ([name, specifier]) => `const ${name} = await import(${JSON.stringify(specifier)});`,
    ),
    'const undiciAfterImport = undici();',
    create,
    'console.log(JSON.stringify({ files, undiciAfterImport, undiciAfterCreate: undici() }));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: testPackage });
  return JSON.parse(stdout) as ColdStart;
}

const drivers = [
  ['sourcere', '@stemkit/sourcere', `sourcere({ username: 'user', password: 'secret' })`],
  ['audioshakeTasks', '@stemkit/audioshake', `audioshakeTasks({ apiKey: 'key' })`],
  ['audioshakeLegacy', '@stemkit/audioshake', `audioshakeLegacy({ token: 'token' })`],
] as const;

describe('a cold import of core and a driver, from the built dist', () => {
  it.for(drivers)('core + %s loads a handful of module files', async ([, specifier, factory]) => {
    const { files } = await coldStart(
      { core: '@stemkit/core', driver: specifier },
      `core.createStemkit({ driver: driver.${factory} });`,
    );
    // Dependencies are bundled into core: nothing is read from a package's own folder.
    expect(files.filter((file) => file.includes('/node_modules/'))).toEqual([]);
    expect(files.length, files.join('\n')).toBeLessThanOrEqual(MOST_MODULE_FILES);
  });

  it.for(drivers)(
    "importing core + %s, and creating a client, does not load Node's fetch",
    async ([, specifier, factory]) => {
      const start = await coldStart(
        { core: '@stemkit/core/node', driver: specifier },
        `core.createStemkit({ driver: driver.${factory} });`,
      );
      expect(start.undiciAfterImport).toBe(false);
      expect(start.undiciAfterCreate).toBe(false);
    },
  );

  it('sees a fetch loaded at import (the check is not blind)', async () => {
    const start = await coldStart({ core: '@stemkit/core' }, 'void globalThis.Request;');
    expect(start.undiciAfterImport).toBe(false);
    expect(start.undiciAfterCreate).toBe(true);
  });
});

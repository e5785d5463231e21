import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The dependency rules the layout promises, checked on every import of every shipped source file: drivers reach
// core through its driver entry only, core reaches no other package, and no package reaches into another's files.

const root = resolve(import.meta.dirname, '..', '..');
const PACKAGES = readdirSync(join(root, 'packages'));
const DRIVER_PACKAGES = ['sourcere', 'audioshake', 'replicate'];

/** One import (static, dynamic or re-export) of one file, with the file relative to the repository root. */
interface Import {
  readonly file: string;
  readonly specifier: string;
}

function importsOf(folder: string): Import[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => /\.(?:ts|mts|tsx)$/.test(path))
    .flatMap((path) =>
      ts
        .preProcessFile(readFileSync(join(folder, path), 'utf8'), true, true)
        .importedFiles.map(({ fileName }) => ({
          file: relative(root, join(folder, path)),
          specifier: fileName,
        })),
    );
}

const sourcesOf = (name: string) => importsOf(join(root, 'packages', name, 'src'));
const describeAll = (imports: readonly Import[]) =>
  imports.map(({ file, specifier }) => `${file} imports ${specifier}`);

/** A driver's imports of core other than its driver entry. */
const coreOutsideDriverEntry = (imports: readonly Import[]) =>
  imports.filter(
    ({ specifier }) => specifier.startsWith('@stemkit/core') && specifier !== '@stemkit/core/driver',
  );

/** Core's imports of other stemkit packages. */
const otherPackages = (imports: readonly Import[]) =>
  imports.filter(({ specifier }) => specifier.startsWith('@stemkit/'));

/** Imports of another package's files: a deep `@stemkit/x/src/…` path, or a relative path into another package. */
const intoOtherPackages = (name: string, imports: readonly Import[]) =>
  imports.filter(({ file, specifier }) => {
    if (/^@stemkit\/[^/]+\/(?:src|dist)\//.test(specifier)) return true;
    if (!specifier.startsWith('.')) return false;
    const target = relative(join(root, 'packages'), resolve(root, file, '..', specifier));
    return !target.startsWith('..') && !target.startsWith(`${name}/`);
  });

describe('package boundaries', () => {
  it('drivers import core through @stemkit/core/driver only', () => {
    const imports = DRIVER_PACKAGES.flatMap(sourcesOf);
    expect(imports.some(({ specifier }) => specifier === '@stemkit/core/driver')).toBe(true);
    expect(describeAll(coreOutsideDriverEntry(imports))).toEqual([]);
  });

  it('core imports no other stemkit package', () => {
    expect(describeAll(otherPackages(sourcesOf('core')))).toEqual([]);
  });

  it("no package's code reaches into another package's files, only its public entries", () => {
    // Shipped code only: test suites may share another package's test helpers.
    const wrong = PACKAGES.flatMap((name) => intoOtherPackages(name, sourcesOf(name)));
    expect(describeAll(wrong)).toEqual([]);
  });

  it('each rule reports a planted violation', () => {
    const planted = (file: string, specifier: string): Import[] => [{ file, specifier }];

    expect(coreOutsideDriverEntry(planted('packages/sourcere/src/start.ts', '@stemkit/core'))).toHaveLength(
      1,
    );
    expect(otherPackages(planted('packages/core/src/index.ts', '@stemkit/sourcere'))).toHaveLength(1);
    expect(
      intoOtherPackages(
        'sourcere',
        planted('packages/sourcere/src/api.ts', '@stemkit/core/src/http/client.ts'),
      ),
    ).toHaveLength(1);
    expect(
      intoOtherPackages('sourcere', planted('packages/sourcere/src/api.ts', '../../core/src/http/client.ts')),
    ).toHaveLength(1);
    expect(intoOtherPackages('sourcere', planted('packages/sourcere/src/api.ts', './wire.ts'))).toHaveLength(
      0,
    );
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The dependency rules the layout promises, checked on every import of every shipped source file: drivers reach
// core through its driver entry only, core reaches no other package, and no package reaches into another's files.

const root = resolve(import.meta.dirname, '..', '..');
const PACKAGES = readdirSync(join(root, 'packages'));

/** A source text that makes a driver: `defineDriver` from the driver entry is how every driver factory is built. */
const definesDriver = (text: string) => /\bdefineDriver\s*\(/.test(text);

/** The package's shipped source files' texts. */
function sourceTexts(name: string): string[] {
  const folder = join(root, 'packages', name, 'src');
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => /\.(?:ts|mts|tsx)$/.test(path))
    .map((path) => readFileSync(join(folder, path), 'utf8'));
}

const manifest = (name: string) =>
  JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as {
    name: string;
    keywords?: string[];
    peerDependencies?: Record<string, string>;
  };

// Derived, never listed: every package (core aside) whose code defines a driver, so a new one is checked too.
const DRIVER_PACKAGES = PACKAGES.filter((name) => name !== 'core' && sourceTexts(name).some(definesDriver));

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

  it('finds every driver package: those the providers table loads, and those that say they are drivers', () => {
    const driverNames = DRIVER_PACKAGES.map((name) => manifest(name).name);
    expect(driverNames).toEqual(expect.arrayContaining(['@stemkit/sourcere', '@stemkit/audioshake']));
    const tableDrivers = Object.keys(manifest('providers').peerDependencies ?? {});
    expect(driverNames).toEqual(expect.arrayContaining(tableDrivers));
    const keyworded = PACKAGES.filter((name) => manifest(name).keywords?.includes('stemkit-driver'));
    expect(DRIVER_PACKAGES).toEqual(expect.arrayContaining(keyworded));
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

    expect(definesDriver("export const acme = defineDriver({ provider: 'acme' });")).toBe(true);
    expect(definesDriver("import type { defineDriver } from '@stemkit/core/driver';")).toBe(false);

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

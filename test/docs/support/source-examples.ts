import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// The `@example` blocks of the packages' TSDoc, compiled: each becomes a module of its own that imports what it
// uses from the file it documents (exported or not: examples of internal functions use them as that file does),
// else from its package's entries, else from core's; the variables examples take as given (`stemkit`, `job`,
// `handle`…) are declared with their types by EXAMPLE_CONTEXT.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const packagesFolder = join(root, 'packages');

/** One fenced `ts` block under an `@example` tag. */
export interface SourceExample {
  /** Where it is, as `packages/<name>/src/<file>.ts:<line>`. */
  readonly where: string;
  /** Which it is, as `packages/<name>/src/<file>.ts#<n>` (the file's n-th example, from 1): stable over edits. */
  readonly key: string;
  /** The file it documents. */
  readonly file: string;
  /** The package's folder name (`core`, `cli`…). */
  readonly packageFolder: string;
  /** The block's code, without the comment's leading ` * `. */
  readonly code: string;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Every `@example` block of `packages/<name>/src`. */
export function sourceExamples(): SourceExample[] {
  const examples: SourceExample[] = [];
  for (const packageFolder of readdirSync(packagesFolder).sort()) {
    const source = join(packagesFolder, packageFolder, 'src');
    let files: string[];
    try {
      files = sourceFiles(source);
    } catch {
      continue;
    }
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      let ordinal = 0;
      for (let index = 0; index < lines.length; index++) {
        if (!/^\s*\*\s*@example\b/.test(lines[index] ?? '')) continue;
        let start = index + 1;
        while (start < lines.length && /^\s*\*\s*$/.test(lines[start] ?? '')) start++;
        if (!/^\s*\*\s*```(ts|typescript)\s*$/.test(lines[start] ?? '')) continue;
        const code: string[] = [];
        let end = start + 1;
        for (; end < lines.length && !/^\s*\*\s*```\s*$/.test(lines[end] ?? ''); end++) {
          code.push((lines[end] ?? '').replace(/^\s*\* ?/, ''));
        }
        examples.push({
          where: `${relative(root, file)}:${start + 2}`,
          key: `${relative(root, file)}#${++ordinal}`,
          file,
          packageFolder,
          code: code.join('\n'),
        });
        index = end;
      }
    }
  }
  return examples;
}

interface Entry {
  /** How an example imports it: `@stemkit/core/driver`, or a source file's absolute path. */
  readonly specifier: string;
  readonly file: string;
}

/** A package's public entries, main first, from its `exports` (their `@stemkit/source` files). */
function packageEntries(packageFolder: string): Entry[] {
  const directory = join(packagesFolder, packageFolder);
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
    name: string;
    exports?: Record<string, { '@stemkit/source'?: string } | string>;
  };
  return Object.entries(manifest.exports ?? {}).flatMap(([subpath, targets]) => {
    const file = typeof targets === 'object' ? targets['@stemkit/source'] : undefined;
    if (!file) return [];
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    return [{ specifier, file: join(directory, file) }];
  });
}

const MISSING_NAME = new Set([2304, 2552, 18004]);

/** The outcome of compiling the examples: each one's errors, by `key` (none: not in the map). */
export function compileExamples(examples: readonly SourceExample[]): Map<string, string[]> {
  const configFile = join(root, 'test', 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('test/tsconfig.json does not parse');
  // Examples import types and values alike, without `import type`, and leave names unused.
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    verbatimModuleSyntax: false,
    isolatedModules: false,
    noUnusedLocals: false,
    noUnusedParameters: false,
  };
  const virtualFolder = join(root, 'test', 'docs', 'source-examples');
  const coreEntries = packageEntries('core');
  // Then every package's main entry: an example of one driver may set up another (`sourcere()` beside Tasks).
  const mainEntries = readdirSync(packagesFolder)
    .sort()
    .flatMap((folder) => packageEntries(folder).slice(0, 1));
  const entriesOf = new Map<string, Entry[]>();
  for (const example of examples) {
    if (!entriesOf.has(example.packageFolder)) {
      const own = packageEntries(example.packageFolder);
      const others = [...coreEntries, ...mainEntries];
      entriesOf.set(example.packageFolder, [
        ...own,
        ...others.filter((entry) => !own.some((each) => each.file === entry.file)),
      ]);
    }
  }

  const compile = (texts: readonly string[]) => {
    const virtual = new Map(texts.map((text, index) => [join(virtualFolder, `example-${index}.ts`), text]));
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      const text = virtual.get(fileName);
      return text === undefined
        ? getSourceFile(fileName, languageVersion, ...rest)
        : ts.createSourceFile(fileName, text, languageVersion, true);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
    const readFile = host.readFile.bind(host);
    host.readFile = (fileName) => virtual.get(fileName) ?? readFile(fileName);
    const documented = [...new Set(examples.map((example) => example.file))];
    const entries = [...new Set([...entriesOf.values()].flat().map((entry) => entry.file))];
    const program = ts.createProgram([...virtual.keys(), ...documented, ...entries], options, host);
    return { program, files: [...virtual.keys()] };
  };

  // First pass: each example alone, to learn the names it uses without defining them.
  const first = compile(examples.map((example) => `export {};\n${example.code}\n`));
  const checker = first.program.getTypeChecker();
  const exportsOf = new Map<string, Set<string>>();
  const exportNames = (file: string) => {
    let names = exportsOf.get(file);
    if (!names) {
      const sourceFile = first.program.getSourceFile(file);
      const symbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
      names = new Set(symbol ? checker.getExportsOfModule(symbol).map((each) => each.name) : []);
      exportsOf.set(file, names);
    }
    return names;
  };
  const headers = examples.map((example, index) => {
    const sourceFile = first.program.getSourceFile(first.files[index] ?? '');
    const missing = new Set<string>();
    for (const diagnostic of sourceFile ? first.program.getSemanticDiagnostics(sourceFile) : []) {
      if (!MISSING_NAME.has(diagnostic.code) || diagnostic.start === undefined) continue;
      missing.add(
        sourceFile?.text.slice(diagnostic.start, diagnostic.start + (diagnostic.length ?? 0)) ?? '',
      );
    }
    // A name the documented file exports but TypeScript's DOM library declares too (`WorkerOptions`…) means the
    // file's, as it does in the file.
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && exportNames(example.file).has(node.text)) {
        const declarations = checker.getSymbolAtLocation(node)?.declarations ?? [];
        const inLibrary = declarations.every((each) =>
          first.program.isSourceFileDefaultLibrary(each.getSourceFile()),
        );
        if (declarations.length > 0 && inLibrary) missing.add(node.text);
      }
      ts.forEachChild(node, visit);
    };
    if (sourceFile) visit(sourceFile);
    const imports = new Map<string, string[]>();
    const declared: string[] = [];
    for (const name of [...missing].sort()) {
      const from = exportNames(example.file).has(name)
        ? example.file
        : (entriesOf.get(example.packageFolder)?.find((entry) => exportNames(entry.file).has(name))
            ?.specifier ?? OUTSIDE_NAMES[name]);
      if (from) imports.set(from, [...(imports.get(from) ?? []), name]);
      else if (EXAMPLE_CONTEXT[name]) declared.push(`declare const ${name}: ${EXAMPLE_CONTEXT[name]};`);
    }
    const contextImports = declared.length ? [CONTEXT_IMPORTS] : [];
    return [
      'export {};',
      ...[...imports].map(([from, names]) => `import { ${names.join(', ')} } from '${from}';`),
      ...contextImports,
      ...declared,
    ];
  });

  // Second pass: with those imports and declarations.
  const second = compile(
    examples.map((example, index) => `${(headers[index] ?? []).join('\n')}\n${example.code}\n`),
  );
  const outcome = new Map<string, string[]>();
  examples.forEach((example, index) => {
    const sourceFile = second.program.getSourceFile(second.files[index] ?? '');
    if (!sourceFile) return;
    const offset = (headers[index] ?? []).length;
    const diagnostics = [
      ...second.program.getSyntacticDiagnostics(sourceFile),
      ...second.program.getSemanticDiagnostics(sourceFile),
    ];
    const errors = diagnostics.map((diagnostic) => {
      const line =
        diagnostic.start === undefined ? 0 : sourceFile.getLineAndCharacterOfPosition(diagnostic.start).line;
      return `line ${line - offset + 1}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    });
    if (errors.length) outcome.set(example.key, errors);
  });
  return outcome;
}

/**
 * What examples take as given, declared once for all: a client, a job and its parts, a handle, a file, credentials.
 * An example that needs anything else declares or imports it itself.
 */
export const EXAMPLE_CONTEXT: Readonly<Record<string, string>> = {
  stemkit: 'ExampleNode.NodeStemkit',
  job: 'ExampleCore.Job',
  handle: 'ExampleCore.JobHandle',
  asset: 'ExampleCore.Asset',
  target: 'ExampleCore.Target',
  file: 'File',
  audio: 'ExampleAudio.PcmAudio',
  emulator: 'ExampleEmulator.RunningEmulator',
  context: 'ExampleDriver.DriverContext<{ readonly baseUrl: string; readonly apiKey: string }>',
  driver: 'ExampleDriver.StemkitDriver',
  signal: 'AbortSignal',
  username: 'string',
  password: 'string',
  apiKey: 'string',
  token: 'string',
  bytes: 'Uint8Array',
  blob: 'Blob',
  left: 'Float32Array',
  right: 'Float32Array',
  controller: 'AbortController',
  // A provider's answer, as a driver receives it.
  response: 'Response',
  // @stemkit/audio's: decoded stems and their references, encoded files, blocks of samples.
  stems: 'ExampleStems',
  sources: 'ExampleStems',
  wav: 'Uint8Array',
  vocalsWav: 'Uint8Array',
  drumsWav: 'Uint8Array',
  blocks: 'Float32Array[]',
  // @stemkit/batch's: a queue, the tracks of a batch.
  queue: 'ExampleBatch.BatchQueue',
  items: 'ExampleBatch.BatchItem[]',
  // @stemkit/migrate's: a plan, drivers of both APIs, a mapping, a journal, a report, stored legacy jobs.
  plan: 'ExampleMigrate.MigrationPlan',
  tasks: 'ExampleDriver.StemkitDriver',
  legacy: 'ExampleDriver.StemkitDriver',
  mapping: 'ExampleMigrate.MigrationMapping',
  journal: 'ExampleMigrate.Journal',
  report: 'ExampleMigrate.VerifyReport',
  legacyJobs: 'ExampleAudioShake.LegacyJob[]',
  jobs: 'ExampleAudioShake.LegacyJob[]',
  stored: 'unknown',
  text: 'string',
  // The conformance kit's: a harness, a wrapped fetch, a function that makes a harness.
  harness: 'ExampleTesting.ConformanceHarness',
  faulty: 'ExampleTesting.FaultyFetch',
  createHarness: '() => Promise<ExampleTesting.ConformanceHarness>',
  createSourcereHarness: '() => Promise<ExampleTesting.ConformanceHarness>',
  error: 'unknown',
};

/** The modules EXAMPLE_CONTEXT's types come from, under names no example uses. */
const CONTEXT_IMPORTS = [
  "import type * as ExampleCore from '@stemkit/core';",
  "import type * as ExampleDriver from '@stemkit/core/driver';",
  "import type * as ExampleNode from '@stemkit/core/node';",
  "import type * as ExampleAudio from '@stemkit/audio';",
  "import type * as ExampleEmulator from '@stemkit/emulator';",
  "import type * as ExampleTesting from '@stemkit/testing';",
  "import type * as ExampleBatch from '@stemkit/batch';",
  "import type * as ExampleMigrate from '@stemkit/migrate';",
  "import type * as ExampleAudioShake from '@stemkit/audioshake';",
  "type ExampleStems = Readonly<Record<'vocals' | 'instrumental' | 'drums' | 'bass' | 'other', ExampleAudio.PcmAudio>>;",
].join('\n');

/** Names from outside the workspace that examples use without importing them. */
const OUTSIDE_NAMES: Readonly<Record<string, string>> = {
  readFile: 'node:fs/promises',
  writeFile: 'node:fs/promises',
  expect: 'vitest',
};

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Logger, LogLevel, TypeDocReader } from 'typedoc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT_OPTIONS = fileURLToPath(new URL('../../typedoc.json', import.meta.url));

/** Keeps every warning and error typedoc reports. */
class CollectingLogger extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push(message);
  }
}

/**
 * `pnpm run docs` must fail on an undocumented export, method or interface field. This runs the repository's own typedoc.json (packages mode,
 * its packageOptions) on a one-file package named like a real one, and expects the gap to be reported.
 */
describe('typedoc validation (pnpm run docs)', () => {
  let fixture: string;

  beforeAll(async () => {
    fixture = await mkdtemp(join(tmpdir(), 'stemkit-typedoc-'));
    await mkdir(join(fixture, 'src'));
    await writeFile(
      join(fixture, 'package.json'),
      JSON.stringify({ name: '@stemkit/core', version: '0.0.0', type: 'module' }),
    );
    await writeFile(
      join(fixture, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['src'],
      }),
    );
    await writeFile(join(fixture, 'typedoc.json'), JSON.stringify({ entryPoints: ['./src/index.ts'] }));
    await writeFile(
      join(fixture, 'src/index.ts'),
      [
        '/** Documented: no warning. */',
        'export const documentedProbe = 1;',
        'export const undocumentedProbe = 2;',
        '/** A documented interface whose method and one field are not. */',
        'export interface ProbeApi {',
        '  /** A documented field. */',
        '  readonly name: string;',
        '  readonly size: number;',
        '  run(): void;',
        '}',
        '/** Inherits the gaps of its parent, which typedoc reports for methods and the plugin does not for fields. */',
        'export interface ProbeChild extends ProbeApi {}',
        '/** A class: its own fields need comments, what it inherits from Error does not. */',
        'export class ProbeError extends Error {',
        '  /** A documented field. */',
        "  readonly code = 'probe';",
        '  readonly status = 500;',
        '}',
        '/** A type alias: the fields of anonymous types need no comment. */',
        'export type ProbeShape = { readonly anonymous: string };',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await rm(fixture, { recursive: true, force: true });
  });

  it('reports an undocumented export, method and interface field, and nothing else', async () => {
    const app = await Application.bootstrapWithPlugins({ options: ROOT_OPTIONS, entryPoints: [fixture] }, [
      new TypeDocReader(),
    ]);
    const logger = new CollectingLogger();
    app.logger = logger;
    await app.convert();
    const gaps = logger.messages
      .filter((message) => message.includes('does not have any documentation'))
      .map((message) => message.split(',')[0]);
    expect(gaps.sort()).toEqual([
      'ProbeApi.run (CallSignature)',
      'ProbeApi.size (Property)',
      'ProbeChild.run (CallSignature)',
      'ProbeError.status (Property)',
      'undocumentedProbe (Variable)',
    ]);
    expect(app.options.getValue('treatWarningsAsErrors')).toBe(true);
  }, 30_000);
});

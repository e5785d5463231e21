import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as core from '@stemkit/core';
import * as driver from '@stemkit/core/driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The reference documents the model: typedoc, with the repository's own typedoc.json (as `pnpm run docs`), renders
// @stemkit/core; every model type (each object schema the core entries export: Job, Target, Asset…) must have a
// page listing every field of its schema, each with its description.
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const typedoc = fileURLToPath(new URL('../node_modules/typedoc/bin/typedoc', import.meta.url));

/** A reflection of typedoc's JSON output, as far as this test reads it. */
interface Reflection {
  name: string;
  kind: number;
  comment?: { summary: ReadonlyArray<{ text: string }> };
  children?: Reflection[];
}

const INTERFACE = 256;
const TYPE_ALIAS = 2_097_152;

interface ModelType {
  /** `index` or `driver`: the core entry, as typedoc names its module. */
  module: string;
  name: string;
  fields: string[];
}

/** The object schemas an entry exports (`JobSchema`…), as the model types they stand for and their fields. */
function modelTypes(module: string, exports: Record<string, unknown>): ModelType[] {
  const found: ModelType[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (!name.endsWith('Schema')) continue;
    type Definition = { type: string; getter?: () => { _zod: { def: Definition } }; shape?: object };
    let definition = (value as { _zod?: { def: Definition } })._zod?.def;
    if (definition?.type === 'lazy') definition = definition.getter?.()._zod.def;
    if (definition?.type !== 'object' || !definition.shape) continue;
    found.push({
      module,
      name: name.slice(0, -'Schema'.length),
      fields: Object.keys(definition.shape).sort(),
    });
  }
  return found;
}

const driverOnly = modelTypes('driver', driver).filter((each) => !(`${each.name}Schema` in core));
const models = [...modelTypes('index', core), ...driverOnly];

/** A comment's text, as a reader sees it: no markup, no spacing (the page wraps and splits it). */
function bare(text: string): string {
  return text
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[`\s]/g, '');
}

let scratch: string;
let modules: Reflection[];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'stemkit-reference-'));
  // One package, rendered as `pnpm run docs` renders it (the root README is the whole reference's, not core's).
  await run(
    process.execPath,
    [
      typedoc,
      '--options',
      'typedoc.json',
      '--entryPoints',
      'packages/core',
      '--readme',
      'none',
      '--out',
      join(scratch, 'api'),
      '--json',
      join(scratch, 'api.json'),
    ],
    { cwd: root, timeout: 280_000 },
  );
  const project = JSON.parse(await readFile(join(scratch, 'api.json'), 'utf8')) as Reflection;
  modules = project.children ?? [];
}, 300_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the reference documents the model (typedoc, @stemkit/core)', () => {
  it('finds the model types among the schemas', () => {
    expect(models.map((each) => each.name)).toEqual(
      expect.arrayContaining(['Job', 'Target', 'Asset', 'JobHandle', 'Usage', 'SourceSummary']),
    );
  });

  it.for(models.map((each) => [each.name, each] as const))(
    '%s: every field of its schema, each with its description, on its page',
    async ([name, model]) => {
      const module = modules.find((each) => each.name.endsWith(model.module));
      const reflection = module?.children?.find(
        (each) => each.name === name && (each.kind === INTERFACE || each.kind === TYPE_ALIAS),
      );
      expect(reflection, `${name} in ${model.module}`).toBeDefined();
      const fields = reflection?.children ?? [];
      expect(fields.map((field) => field.name).sort(), `${name}: its fields, as a list on its page`).toEqual(
        model.fields,
      );
      const undocumented = fields.filter(
        (field) =>
          !field.comment?.summary
            .map((part) => part.text)
            .join('')
            .trim(),
      );
      expect(
        undocumented.map((field) => field.name),
        `${name}: fields without a description`,
      ).toEqual([]);

      const pageName = `${model.module}.${name}.html`;
      const folder = (await readdir(join(scratch, 'api', 'types'))).includes(pageName)
        ? 'types'
        : 'interfaces';
      const page = bare(await readFile(join(scratch, 'api', folder, pageName), 'utf8'));
      for (const field of fields) {
        const description = bare(field.comment?.summary.map((part) => part.text).join('') ?? '');
        expect(page.includes(description), `${name}.${field.name}'s description on ${pageName}`).toBe(true);
      }
    },
  );
});

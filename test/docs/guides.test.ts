import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES_PAGE, renderCapabilityMatrix } from './capability-matrix.ts';
import { CLI_PAGE, renderCliReference } from './cli-reference.ts';
import { DOCS, guides, SAMPLES_TESTED_ELSEWHERE, samplesOf } from './guide-samples.ts';

const EXPECTED_GUIDES = [
  'quickstart.md',
  'concepts.md',
  'providers/capabilities.md',
  'providers/sourcere.md',
  'providers/audioshake-legacy.md',
  'providers/audioshake-tasks.md',
  'emulator.md',
  'writing-a-driver.md',
  'cli.md',
  'batch.md',
  'security.md',
];

describe('guides', () => {
  it('are all there', () => {
    expect(guides()).toEqual(expect.arrayContaining(EXPECTED_GUIDES));
  });

  it('render the capability matrix from the drivers (node docs/capability-matrix.ts --write)', () => {
    expect(readFileSync(CAPABILITIES_PAGE, 'utf8')).toBe(renderCapabilityMatrix());
  });

  it('render the CLI reference from the built CLI (node docs/cli-reference.ts --write)', () => {
    expect(readFileSync(CLI_PAGE, 'utf8')).toBe(renderCliReference());
  });

  it.each(guides().filter((guide) => !SAMPLES_TESTED_ELSEWHERE.includes(guide)))(
    '%s: every TypeScript sample is a tested file, copied verbatim',
    (guide) => {
      const text = readFileSync(new URL(guide, DOCS), 'utf8');
      const typescriptBlocks = text.match(/^```ts$/gm)?.length ?? 0;
      const samples = samplesOf(guide);
      expect(samples.length, 'a ```ts block without an `<!-- example: file.ts -->` marker').toBe(
        typescriptBlocks,
      );
      for (const sample of samples) {
        expect(sample.inGuide, `${sample.file} differs: run node docs/guide-samples.ts --write`).toBe(
          sample.inFile,
        );
      }
    },
  );

  it.each(guides())('%s: relative links lead to files', (guide) => {
    const text = readFileSync(new URL(guide, DOCS), 'utf8');
    const targets = [...text.matchAll(/\]\((?<target>[^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((match) => match.groups?.target ?? '')
      .filter((target) => !/^[a-z]+:/.test(target));
    for (const target of targets)
      expect(existsSync(new URL(target, new URL(guide, DOCS))), target).toBe(true);
  });

  // The packages are not on npm yet: a guide that says `npm install @stemkit/core` sends a reader to a name that
  // does not install (or, one day, to someone else's package). Installing from tarballs is `file:` specs.
  it.each(guides())('%s: installs no @stemkit package from the npm registry', (guide) => {
    const text = readFileSync(new URL(guide, DOCS), 'utf8');
    const commands = [...text.matchAll(/^```(?:sh|bash|shell)\n(?<code>[\s\S]*?)^```$/gm)].flatMap((match) =>
      (match.groups?.code ?? '').split('\n'),
    );
    const fromRegistry = commands.filter((line) =>
      /\b(npm|pnpm|yarn) (install|add|i)\b[^\n#]*\s@stemkit\//.test(line),
    );
    expect(fromRegistry).toEqual([]);
  });

  it("quickstart: the bundle figure is the README's Bundle size table's", () => {
    const readme = readFileSync(new URL('../README.md', DOCS), 'utf8');
    const table = readme.slice(readme.indexOf('## Bundle size'), readme.indexOf('## Benchmarks'));
    const gzipped = [...table.matchAll(/^\| [^|]*`[^|]*\|[^|]+\| (?<size>[\d.]+) kB \|/gm)].map((match) =>
      Number(match.groups?.size),
    );
    const [core = 0, ...withDriver] = gzipped;
    expect(withDriver.length).toBeGreaterThan(0);
    const quickstart = readFileSync(new URL('quickstart.md', DOCS), 'utf8');
    const low = Math.floor(Math.min(...withDriver));
    const high = Math.floor(Math.max(...withDriver));
    expect(quickstart.replace(/\s+/g, ' ')).toContain(
      `Core plus one driver weighs ${low === high ? low : `${low}–${high}`} kB minified and gzipped, core alone ${Math.round(core)} kB`,
    );
  });

  it('embed every sample file somewhere', () => {
    const embedded = new Set(guides().flatMap((guide) => samplesOf(guide).map((sample) => sample.file)));
    const files = readdirSync(new URL('./examples/', import.meta.url)).filter((file) => file.endsWith('.ts'));
    expect(files.filter((file) => !embedded.has(file))).toEqual([]);
  });
});

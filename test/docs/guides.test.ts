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

  it('render the capability matrix from the drivers (node docs/capability-matrix.ts --write)', async () => {
    expect(readFileSync(CAPABILITIES_PAGE, 'utf8')).toBe(await renderCapabilityMatrix());
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

  it('embed every sample file somewhere', () => {
    const embedded = new Set(guides().flatMap((guide) => samplesOf(guide).map((sample) => sample.file)));
    const files = readdirSync(new URL('./examples/', import.meta.url)).filter((file) => file.endsWith('.ts'));
    expect(files.filter((file) => !embedded.has(file))).toEqual([]);
  });
});

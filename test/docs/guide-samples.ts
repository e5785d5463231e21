/**
 * Guides embed their code samples from test/docs/examples, where the test suite type-checks and runs them. A
 * guide marks each sample with `<!-- example: file.ts -->` above a fenced block; `node docs/guide-samples.ts
 * --write` (from test/) copies the files into the blocks, and the docs test fails when a block differs.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

export const DOCS = new URL('../../docs/', import.meta.url);
const EXAMPLES = new URL('./examples/', import.meta.url);
const SAMPLE = /<!-- example: (?<file>[\w.-]+) -->\n```ts\n(?<code>[\s\S]*?)```\n/g;

/** Guides whose samples are tested elsewhere, not through test/docs/examples: none. */
export const SAMPLES_TESTED_ELSEWHERE: string[] = [];

/**
 * Every guide under docs/ (not the generated reference), as paths relative to docs/, and the repository's
 * README, whose "Use it from code" sample is tested like the guides' samples.
 */
export function guides(): string[] {
  const pages = readdirSync(DOCS, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md') && !path.startsWith('api/'))
    .sort();
  return [...pages, '../README.md'];
}

/** A guide's samples: the file each names, the code in the guide, and the file's current code. */
export function samplesOf(guide: string): { file: string; inGuide: string; inFile: string }[] {
  const text = readFileSync(new URL(guide, DOCS), 'utf8');
  return [...text.matchAll(SAMPLE)].map((match) => {
    const file = match.groups?.file ?? '';
    return { file, inGuide: match.groups?.code ?? '', inFile: readFileSync(new URL(file, EXAMPLES), 'utf8') };
  });
}

/** The guide with every marked block replaced by its file. */
export function withCurrentSamples(guide: string): string {
  const text = readFileSync(new URL(guide, DOCS), 'utf8');
  return text.replace(SAMPLE, (_match, file: string) => {
    const code = readFileSync(new URL(file, EXAMPLES), 'utf8');
    return `<!-- example: ${file} -->\n\`\`\`ts\n${code}\`\`\`\n`;
  });
}

if (process.argv.includes('--write')) {
  const ours = guides().filter((guide) => !SAMPLES_TESTED_ELSEWHERE.includes(guide));
  for (const guide of ours) writeFileSync(new URL(guide, DOCS), withCurrentSamples(guide));
}

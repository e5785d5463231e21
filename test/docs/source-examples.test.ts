import { beforeAll, describe, expect, it } from 'vitest';
import { compileExamples, type SourceExample, sourceExamples } from './support/source-examples.ts';
import { PENDING_EXAMPLES } from './support/source-examples-pending.ts';

// The `@example` blocks of packages/*/src are code readers copy: each is compiled (strict, against the sources)
// with what it uses imported from the file it documents or its package, and the givens of EXAMPLE_CONTEXT.
// PENDING_EXAMPLES lists those that do not compile yet; it may only shrink.
const examples = sourceExamples();
let outcome: Map<string, string[]>;

beforeAll(() => {
  outcome = compileExamples(examples);
}, 240_000);

const compiled = examples.filter((example) => !PENDING_EXAMPLES.includes(example.key));

describe('the @example blocks of packages/*/src compile', () => {
  it('finds them', () => {
    expect(examples.length).toBeGreaterThan(250);
    expect(examples.map((example) => example.key)).toEqual(expect.arrayContaining([...PENDING_EXAMPLES]));
  });

  it.for(compiled.map((example) => [example.where, example] as [string, SourceExample]))(
    '%s',
    ([, example]) => {
      expect(outcome.get(example.key) ?? [], example.code).toEqual([]);
    },
  );

  it('the pending ones still do not compile (a fixed one leaves PENDING_EXAMPLES)', () => {
    expect(PENDING_EXAMPLES.filter((key) => !outcome.has(key))).toEqual([]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { compileExamples, type SourceExample, sourceExamples } from './support/source-examples.ts';

// The `@example` blocks of packages/*/src are code readers copy: each is compiled (strict, against the sources)
// with what it uses imported from the file it documents or its package, and the givens of EXAMPLE_CONTEXT.
const examples = sourceExamples();
let outcome: Map<string, string[]>;

beforeAll(() => {
  outcome = compileExamples(examples);
}, 240_000);

describe('the @example blocks of packages/*/src compile', () => {
  it('finds them', () => {
    expect(examples.length).toBeGreaterThan(250);
  });

  it.for(examples.map((example) => [example.where, example] as [string, SourceExample]))(
    '%s',
    ([, example]) => {
      expect(outcome.get(example.key) ?? [], example.code).toEqual([]);
    },
  );
});

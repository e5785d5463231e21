import { describe, expect, it } from 'vitest';
import { InvalidResponseError, statusTable } from '../../src/driver/index.ts';

const table = { pending: 'queued', processing: 'running', done: 'succeeded', error: 'failed' } as const;

describe('statusTable', () => {
  it('maps every word of the table, case-insensitively', () => {
    const toNeutral = statusTable({ provider: 'acme', table });
    expect(['pending', 'PROCESSING', 'Done', 'error'].map(toNeutral)).toEqual([
      'queued',
      'running',
      'succeeded',
      'failed',
    ]);
  });

  it('refuses an unknown word with an InvalidResponseError naming it and the provider', () => {
    const toNeutral = statusTable({ provider: 'acme', table });
    const error = (() => {
      try {
        toNeutral('exploded');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ provider: 'acme', message: 'acme sent the unknown status "exploded"' });
    expect(() => toNeutral(undefined)).toThrow(InvalidResponseError);
  });

  it('gives an unknown word the documented fallback when there is one', () => {
    const toNeutral = statusTable({ provider: 'acme', table, unknown: 'running' });
    expect(toNeutral('exploded')).toBe('running');
    expect(toNeutral(null)).toBe('running');
    expect(toNeutral('')).toBe('running');
  });

  it('gives a missing status its own rule', () => {
    const toNeutral = statusTable({ provider: 'acme', table, missing: 'queued', unknown: 'running' });
    expect(toNeutral(undefined)).toBe('queued');
    expect(toNeutral(null)).toBe('queued');
  });

  it('cuts a hostile, huge status word short in its error message', () => {
    const toNeutral = statusTable({ provider: 'acme', table });
    expect(() => toNeutral('x'.repeat(100_000))).toThrow(/^acme sent the unknown status "x{64}"$/);
  });

  it('does not read words off the object prototype (a "constructor" status is unknown)', () => {
    const toNeutral = statusTable({ provider: 'acme', table });
    expect(() => toNeutral('constructor')).toThrow(InvalidResponseError);
    expect(() => toNeutral('__proto__')).toThrow(InvalidResponseError);
  });
});

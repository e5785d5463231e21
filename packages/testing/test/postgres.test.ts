import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../src/postgres.ts';

describe('startPostgres', () => {
  it('starts a throwaway server on loopback and removes it on stop', async () => {
    const postgres = await startPostgres();
    try {
      expect(postgres.url).toMatch(/^postgres:\/\/stemkit@127\.0\.0\.1:\d+\/postgres$/);
      const other = await postgres.createDatabase('second');
      expect(other).toMatch(/\/second$/);
    } finally {
      await postgres.stop();
    }
    // Nothing listens there any more.
    expect(() =>
      execFileSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${postgres.port}`], { stdio: 'ignore' }),
    ).toThrow();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the package README', () => {
  it('passes an alignment transcript through separate, as the client takes it (TargetInput.transcript)', () => {
    expect(readme).not.toMatch(/until the client's `TargetInput` carries it/);
    expect(readme).toMatch(/targets: \[\{ stem: 'alignment', [^\n]*transcript: 'lyrics\.txt' \}\]/);
  });

  it('describes usage in the neutral shape both drivers share', () => {
    expect(readme).toContain('`stemkit.usage()` works on either');
  });
});

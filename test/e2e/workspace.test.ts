import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('workspace toolchain', () => {
  it('runs every script on Node 24', () => {
    const version = execFileSync('pnpm', ['exec', 'node', '--version'], { encoding: 'utf8' }).trim();
    expect(version).toMatch(/^v24\./);
    expect(process.versions.node).toMatch(/^24\./);
  });

  it('resolves workspace packages to their built output outside vitest', async () => {
    const driver = await import('@stemkit/core/driver');
    expect(driver.DRIVER_CONTRACT_VERSION).toBe(1);
  });
});

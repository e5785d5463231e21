import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };

describe('@stemkit/migrate/gateway, its own entry', () => {
  it('serves the gateway, and the root entry no longer carries it', async () => {
    const gateway = await import('@stemkit/migrate/gateway');
    expect(typeof gateway.startGateway).toBe('function');
    expect(typeof gateway.createGateway).toBe('function');
    expect(typeof gateway.runGatewayCommand).toBe('function');
    const root: Record<string, unknown> = await import('@stemkit/migrate');
    expect(root.startGateway).toBeUndefined();
    expect(typeof root.runMigrateCommand).toBe('function');
  });

  it('is declared in package.json exports, with its built files', () => {
    expect(packageJson.exports['./gateway']).toEqual({
      '@stemkit/source': './src/gateway/index.ts',
      types: './dist/gateway.d.ts',
      default: './dist/gateway.js',
    });
  });
});

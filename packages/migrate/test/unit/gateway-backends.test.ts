import { describe, expect, it, vi } from 'vitest';

// A provider planted in the one providers table as a gateway backend: the gateway must offer it unchanged.
const created: unknown[] = [];
vi.mock('@stemkit/providers', async (original) => {
  const actual = await original<typeof import('@stemkit/providers')>();
  const tinystems = Object.assign(
    (options: unknown) => {
      created.push(options);
      throw new Error('planted driver: created, stop here');
    },
    {
      provider: 'tinystems',
      settings: { apiKey: { env: 'TINYSTEMS_API_KEY', required: true, secret: true } },
    },
  );
  const entry = {
    name: 'tinystems',
    provider: 'tinystems',
    displayName: 'Tinystems API',
    title: 'Tinystems',
    docsPage: 'tinystems.md',
    emulatorApi: 'tasks',
    rateLimit: 7,
    gatewayBackend: true,
    load: async () => tinystems,
  } as const;
  return { ...actual, PROVIDERS: [...actual.PROVIDERS, entry] };
});

const { GATEWAY_HELP, runGatewayCommand } = await import('../../src/commands/gateway.ts');

async function run(argv: readonly string[], env: Record<string, string>) {
  const output = { stdout: '', stderr: '' };
  const code = await runGatewayCommand(argv, {
    stdout: { write: (text: string) => (output.stdout += text) },
    stderr: { write: (text: string) => (output.stderr += text) },
    env,
  });
  return { code, ...output };
}

describe("the gateway's backends come from the providers table", () => {
  it('lists a planted gateway backend and no entry that cannot be one (the legacy API it serves)', () => {
    expect(GATEWAY_HELP).toMatch(/--backend sourcere\|audioshake\|tinystems\|emulator/);
    expect(GATEWAY_HELP).toContain('  tinystems   the Tinystems API');
    expect(GATEWAY_HELP).not.toMatch(/^ {2}audioshake-legacy/m);
  });

  it("reads the planted backend's settings through its driver's declaration", async () => {
    const missing = await run(['--backend', 'tinystems'], {
      STEMKIT_GATEWAY_TOKEN: 'gateway-token-0123456789',
    });
    expect(missing.stderr).toBe('error: TINYSTEMS_API_KEY is not set: the tinystems backend needs it\n');
    await run(['--backend', 'tinystems'], {
      STEMKIT_GATEWAY_TOKEN: 'gateway-token-0123456789',
      TINYSTEMS_API_KEY: 'key',
    });
    expect(created).toEqual([{ apiKey: 'key' }]);
  });

  it('refuses the legacy API as a backend, naming the ones it takes', async () => {
    const legacy = await run(['--backend', 'audioshake-legacy'], {
      STEMKIT_GATEWAY_TOKEN: 'gateway-token-0123456789',
    });
    expect(legacy.stderr).toMatch(/--backend must be sourcere, audioshake, tinystems or emulator/);
  });
});

import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';

// A fourth provider planted in the one providers table: the CLI must offer it everywhere without other edits.
vi.mock('@stemkit/providers', async (original) => {
  const actual = await original<typeof import('@stemkit/providers')>();
  const tinystems = Object.assign(() => ({}), {
    provider: 'tinystems',
    settings: {
      apiKey: { env: 'TINYSTEMS_API_KEY', required: true, secret: true },
      baseUrl: { env: 'TINYSTEMS_BASE_URL', default: 'https://api.tinystems.test' },
    },
  });
  const entry = {
    name: 'tinystems',
    provider: 'tinystems',
    displayName: 'Tinystems API',
    title: 'Tinystems',
    docsPage: 'tinystems.md',
    emulatorApi: 'tasks',
    rateLimit: 7,
    gatewayBackend: false,
    load: async () => tinystems,
  } as const;
  const PROVIDERS = [...actual.PROVIDERS, entry];
  return {
    ...actual,
    PROVIDERS,
    findProvider: (name: string) => PROVIDERS.find((each) => each.name === name || each.provider === name),
    loadProviders: async () => [...(await actual.loadProviders()), { ...entry, factory: tinystems }],
  };
});

const { CREDENTIAL_HELP, PROVIDER_CHOICES, resolveProvider } = await import('../src/credentials.ts');
const { DEFAULT_RATE_LIMITS } = await import('../src/commands/batch.ts');
const { withSessionFlags } = await import('../src/session.ts');

describe('the CLI reads the providers table', () => {
  it('offers a provider added to the table as --provider and --api, with its credentials', () => {
    expect(PROVIDER_CHOICES).toEqual([
      'emulator',
      'sourcere',
      'audioshake-legacy',
      'audioshake',
      'tinystems',
    ]);
    expect(resolveProvider({}, { TINYSTEMS_API_KEY: 'key' })).toEqual({
      kind: 'remote',
      provider: { driver: 'tinystems', settings: { apiKey: 'key', baseUrl: 'https://api.tinystems.test' } },
    });
    expect(() => resolveProvider({ provider: 'tinystems' }, {})).toThrow(/TINYSTEMS_API_KEY/);
    expect(resolveProvider({ api: 'tinystems' }, {})).toMatchObject({
      kind: 'embedded',
      driver: 'tinystems',
    });
  });

  it('lists its variables in the credential help and its setting among the flags, once per setting name', () => {
    expect(CREDENTIAL_HELP).toMatch(/--provider tinystems +TINYSTEMS_API_KEY \(Tinystems\) +or --api-key/);
    const options = withSessionFlags(new Command('status')).options.map((option) => option.long);
    expect(options.filter((long) => long === '--api-key')).toHaveLength(1);
    const apiKey = withSessionFlags(new Command('status')).options.find(
      (option) => option.long === '--api-key',
    );
    expect(apiKey?.description).toBe(
      'AudioShake Tasks API key (AUDIOSHAKE_API_KEY), or Tinystems API key (TINYSTEMS_API_KEY)',
    );
  });

  it("takes a batch's default rate limit from the entry", () => {
    expect(DEFAULT_RATE_LIMITS).toEqual({
      sourcere: 10,
      'audioshake-legacy': 50,
      audioshake: 50,
      tinystems: 7,
    });
  });

  it("maps a handle's provider name to its CLI name (audioshake-tasks → audioshake)", () => {
    expect(resolveProvider({}, {}, 'audioshake-tasks')).toMatchObject({
      kind: 'embedded',
      driver: 'audioshake',
    });
  });
});

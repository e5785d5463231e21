import { emulatedApiNames } from '@stemkit/emulator';
import { describe, expect, it } from 'vitest';
import { emulatorSettings, findProvider, loadProviders, PROVIDERS } from '../src/index.ts';

describe('the providers table', () => {
  it("names each entry's driver by the provider name the driver writes in jobs and handles", async () => {
    for (const entry of await loadProviders()) expect(entry.factory.provider).toBe(entry.provider);
  });

  it('has one entry per command-line name and per provider name', () => {
    const names = PROVIDERS.map((entry) => entry.name);
    const providers = PROVIDERS.map((entry) => entry.provider);
    expect(new Set(names).size).toBe(PROVIDERS.length);
    expect(new Set(providers).size).toBe(PROVIDERS.length);
    // A name that is another entry's provider name would make `--provider` ambiguous.
    for (const entry of PROVIDERS) expect(findProvider(entry.name)).toBe(entry);
  });

  it('finds the Tasks API by its CLI name and by its provider name', () => {
    expect(findProvider('audioshake')?.provider).toBe('audioshake-tasks');
    expect(findProvider('audioshake-tasks')?.name).toBe('audioshake');
    expect(findProvider('tinystems')).toBeUndefined();
  });

  it('points every entry at an emulated API whose handle gives each required setting', async () => {
    const apis = new Set<string>(emulatedApiNames);
    for (const entry of await loadProviders()) {
      expect(apis).toContain(entry.emulatorApi);
      expect(entry.rateLimit).toBeGreaterThan(0);
      const handle = { baseUrl: 'http://127.0.0.1:1', username: 'u', password: 'p', token: 't', apiKey: 'k' };
      const settings = emulatorSettings(entry.factory, handle);
      const required = Object.entries(entry.factory.settings).filter(
        ([, declaration]) => declaration.required,
      );
      for (const [setting] of required) expect(settings[setting]).toBeDefined();
      expect(settings.baseUrl).toBe('http://127.0.0.1:1');
    }
  });
});

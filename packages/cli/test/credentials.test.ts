import { redact } from '@stemkit/core';
import { describe, expect, it } from 'vitest';
import { resolveProvider } from '../src/credentials.ts';
import { MissingCredentialsError, UsageError } from '../src/errors.ts';

describe('provider and credential resolution', () => {
  it('uses the embedded emulator, behind the Sourcere driver, when nothing is configured', () => {
    expect(resolveProvider({}, {})).toEqual({
      kind: 'embedded',
      driver: 'sourcere',
      reason: 'no provider configured',
    });
    expect(resolveProvider({ provider: 'emulator' }, {})).toMatchObject({
      kind: 'embedded',
      reason: 'provider emulator',
    });
  });

  it('refuses a chosen provider without credentials, naming its variables', () => {
    expect(() => resolveProvider({ provider: 'audioshake' }, {})).toThrow(MissingCredentialsError);
    expect(() => resolveProvider({}, { STEMKIT_PROVIDER: 'sourcere' })).toThrow(
      /SOURCERE_USERNAME and SOURCERE_PASSWORD/,
    );
  });

  it('puts the emulator behind the API --api names, or the handle names', () => {
    expect(resolveProvider({ provider: 'emulator', api: 'audioshake' }, {})).toEqual({
      kind: 'embedded',
      driver: 'audioshake',
      reason: 'provider emulator',
    });
    expect(resolveProvider({ api: 'audioshake-legacy' }, {})).toMatchObject({ driver: 'audioshake-legacy' });
    expect(resolveProvider({ provider: 'emulator' }, {}, 'audioshake-tasks')).toMatchObject({
      driver: 'audioshake',
    });
    expect(() => resolveProvider({ provider: 'emulator', api: 'lalal' }, {})).toThrow(UsageError);
    expect(() => resolveProvider({ provider: 'sourcere', api: 'audioshake' }, {})).toThrow(UsageError);
  });

  it('picks the one provider whose environment variables are set', () => {
    expect(resolveProvider({}, { AUDIOSHAKE_TOKEN: 'legacy-token-1' })).toEqual({
      kind: 'remote',
      provider: {
        driver: 'audioshake-legacy',
        settings: { token: 'legacy-token-1', baseUrl: 'https://groovy.audioshake.ai' },
      },
    });
    expect(
      resolveProvider(
        {},
        { SOURCERE_USERNAME: 'me', SOURCERE_PASSWORD: 'pw-1234', SOURCERE_BASE_URL: 'http://127.0.0.1:1/s' },
      ),
    ).toEqual({
      kind: 'remote',
      provider: {
        driver: 'sourcere',
        settings: { username: 'me', password: 'pw-1234', baseUrl: 'http://127.0.0.1:1/s' },
      },
    });
  });

  it('lets flags win over the environment, and --provider over both', () => {
    const environment = { AUDIOSHAKE_API_KEY: 'from-environment', STEMKIT_PROVIDER: 'audioshake-legacy' };
    expect(resolveProvider({ provider: 'audioshake', apiKey: 'from-flag-1' }, environment)).toMatchObject({
      kind: 'remote',
      provider: { driver: 'audioshake', settings: { apiKey: 'from-flag-1' } },
    });
    expect(resolveProvider({}, { ...environment, AUDIOSHAKE_TOKEN: 'legacy-1234' })).toMatchObject({
      provider: { driver: 'audioshake-legacy' },
    });
  });

  it("follows a handle's provider", () => {
    expect(resolveProvider({}, { AUDIOSHAKE_API_KEY: 'key-1234' }, 'audioshake')).toMatchObject({
      kind: 'remote',
      provider: { driver: 'audioshake' },
    });
    expect(resolveProvider({}, {}, 'audioshake-tasks')).toMatchObject({
      kind: 'embedded',
      driver: 'audioshake',
      reason: 'no provider configured',
    });
    expect(() =>
      resolveProvider({}, { SOURCERE_USERNAME: 'me', SOURCERE_PASSWORD: 'pw-1' }, 'audioshake'),
    ).toThrow(/AUDIOSHAKE_API_KEY/);
    expect(() => resolveProvider({}, {}, 'lalal')).toThrow(/no driver for/);
  });

  it('asks to choose when several providers are configured', () => {
    expect(() =>
      resolveProvider({}, { AUDIOSHAKE_TOKEN: 'token-1234', AUDIOSHAKE_API_KEY: 'key-1234' }),
    ).toThrow(/choose one with --provider/);
  });

  it('refuses an unknown provider and incomplete credentials', () => {
    expect(() => resolveProvider({ provider: 'lalal' }, {})).toThrow(UsageError);
    expect(() => resolveProvider({}, { SOURCERE_USERNAME: 'me' })).toThrow(MissingCredentialsError);
    expect(() =>
      resolveProvider({ provider: 'audioshake', baseUrl: 'http://127.0.0.1:9/tasks' }, {}),
    ).toThrow(/AUDIOSHAKE_API_KEY/);
  });

  it('registers every credential it reads with the scrubber', () => {
    resolveProvider(
      { password: 'canary-password-41' },
      { SOURCERE_USERNAME: 'me', AUDIOSHAKE_TOKEN: 'canary-token-42' },
      'sourcere',
    );
    expect(redact('password canary-password-41 token canary-token-42')).not.toMatch(/canary/);
  });
});

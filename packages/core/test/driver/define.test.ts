import { describe, expect, it } from 'vitest';
import * as zod from 'zod/mini';
import {
  DRIVER_CONTRACT_VERSION,
  type DriverCapabilities,
  type DriverOptions,
  defineDriver,
  InvalidArgumentError,
  InvalidResponseError,
  inspectSettings,
  type JobHandle,
  readSettings,
} from '../../src/driver/index.ts';

const settings = {
  apiKey: { env: 'ACME_API_KEY', required: true, secret: true },
  baseUrl: { env: 'ACME_BASE_URL', default: 'https://api.acme.test/' },
} as const;

const capabilities = { stems: ['vocals'], formats: ['wav'] } as unknown as DriverCapabilities;
const never = () => Promise.reject(new Error('not called'));

/** A driver whose operations hand out its context, to test what `defineDriver` fills in. */
const acme = defineDriver({
  provider: 'acme',
  settings,
  create(context, _options: DriverOptions & { apiKey?: string; baseUrl?: string }) {
    return { capabilities, upload: never, start: never, status: never, link: never, context };
  },
});

describe('readSettings and inspectSettings', () => {
  it('takes an option first, then the environment, then the default', () => {
    expect(readSettings(settings, { apiKey: 'given-key-123' }, { ACME_API_KEY: 'env-key-123' })).toEqual({
      apiKey: 'given-key-123',
      baseUrl: 'https://api.acme.test/',
    });
    expect(
      readSettings(settings, {}, { ACME_API_KEY: 'env-key-123', ACME_BASE_URL: 'http://127.0.0.1:1/' }),
    ).toEqual({ apiKey: 'env-key-123', baseUrl: 'http://127.0.0.1:1/' });
  });

  it('counts a blank value as absent, and refuses a missing required one naming option and variable', () => {
    const read = () => readSettings(settings, { apiKey: '   ' }, { ACME_API_KEY: '' });
    expect(read).toThrow(InvalidArgumentError);
    expect(read).toThrow('Invalid argument `apiKey`: is required: pass `apiKey` or set ACME_API_KEY');
  });

  it('tells configured from missing without throwing', () => {
    expect(inspectSettings(settings, {}, {})).toEqual({
      values: { baseUrl: 'https://api.acme.test/' },
      configured: false,
      missing: [{ name: 'apiKey', env: 'ACME_API_KEY' }],
    });
    expect(inspectSettings(settings, {}, { ACME_BASE_URL: 'http://x.test/' }).configured).toBe(true);
  });

  it('ignores a non-string option (a number where a key belongs)', () => {
    expect(inspectSettings(settings, { apiKey: 12345 }, {}).missing).toHaveLength(1);
  });
});

describe('defineDriver', () => {
  it('makes a driver of the contract version and provider, and tells its settings', () => {
    const driver = acme({ apiKey: 'acme-key-123' });
    expect(driver).toMatchObject({ contract: DRIVER_CONTRACT_VERSION, provider: 'acme', capabilities });
    expect(acme.provider).toBe('acme');
    expect(acme.settings).toBe(settings);
    expect(driver.context.settings).toEqual({ apiKey: 'acme-key-123', baseUrl: 'https://api.acme.test/' });
  });

  it('uses the injected clock', () => {
    expect(acme({ apiKey: 'acme-key-123', now: () => 42 }).context.now()).toBe(42);
  });

  it('writes handles as plain JSON with parts and data', () => {
    const { context } = acme({ apiKey: 'acme-key-123' });
    expect(context.handle('j1')).toEqual({ contract: DRIVER_CONTRACT_VERSION, provider: 'acme', id: 'j1' });
    const handle = context.handle('j1', { parts: ['j1', 'j2'], data: { keep: 1, drop: undefined } });
    expect(handle).toEqual({
      contract: DRIVER_CONTRACT_VERSION,
      provider: 'acme',
      id: 'j1',
      parts: ['j1', 'j2'],
      data: { keep: 1 },
    });
  });

  it('reads a handle back, checking its provider and its data', () => {
    const { context } = acme({ apiKey: 'acme-key-123' });
    const schema = zod.object({ keep: zod.number() });
    expect(context.readHandle(context.handle('j1', { data: { keep: 1 } }), schema)).toEqual({
      id: 'j1',
      parts: ['j1'],
      data: { keep: 1 },
    });
    const foreign: JobHandle = { contract: DRIVER_CONTRACT_VERSION, provider: 'other', id: 'j1' };
    expect(() => context.readHandle(foreign)).toThrow(
      expect.objectContaining({ field: 'handle.provider' }) as unknown as Error,
    );
    const tampered = { ...context.handle('j1'), data: { keep: 'not a number' } } as JobHandle;
    expect(() => context.readHandle(tampered, schema)).toThrow(InvalidArgumentError);
  });

  it('parses provider payloads into an InvalidResponseError naming the provider', () => {
    const { context } = acme({ apiKey: 'acme-key-123' });
    const schema = zod.object({ id: zod.string() });
    expect(context.parse(schema, { id: 'x' }, 'a job')).toEqual({ id: 'x' });
    expect(() => context.parse(schema, { id: 1 }, 'a job')).toThrow(InvalidResponseError);
  });
});

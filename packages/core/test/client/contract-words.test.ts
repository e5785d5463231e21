import { describe, expect, it } from 'vitest';
import { describeCapabilities, type StartRequest } from '../../src/driver/index.ts';
import {
  type Asset,
  AUDIO_FORMATS,
  createStemkit,
  InvalidArgumentError,
  mimeTypeOf,
  type StemkitDriver,
  UnsupportedCapabilityError,
  UsageSchema,
} from '../../src/index.ts';
import { createMockDriver, sampleWav } from '../support/mock.ts';

const bytes = sampleWav({ seconds: 0.05 });

/** The mock driver with its starts recorded and its capabilities extended. */
function recording(extra: Partial<StemkitDriver> & { idempotentStart?: boolean } = {}) {
  const driver = createMockDriver({ retryLimit: 0 });
  const starts: StartRequest[] = [];
  const { idempotentStart, ...methods } = extra;
  const wrapped: StemkitDriver = {
    ...driver,
    ...methods,
    capabilities: { ...driver.capabilities, ...(idempotentStart ? { idempotentStart } : {}) },
    start(request, options) {
      starts.push(request);
      return driver.start(request, options);
    },
  };
  return { stemkit: createStemkit({ driver: wrapped }), starts, driver: wrapped };
}

describe('idempotencyKey', () => {
  it('goes from separate through to start on a driver declaring idempotentStart', async () => {
    const { stemkit, starts } = recording({ idempotentStart: true });
    await stemkit.separate({ source: bytes, name: 'a.wav', stems: ['vocals'], idempotencyKey: 'track-7' });
    expect(starts[0]?.idempotencyKey).toBe('track-7');
    expect(stemkit.capabilities.idempotentStart).toBe(true);
  });

  it('is refused before any request on a driver without idempotentStart', async () => {
    const { stemkit, starts } = recording();
    const error = await stemkit
      .separate({ source: bytes, name: 'a.wav', stems: ['vocals'], idempotencyKey: 'track-7' })
      .catch((caught: unknown) => caught);
    expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
    expect(starts).toHaveLength(0);
  });

  it('an empty key is an InvalidArgumentError naming idempotencyKey', async () => {
    const { stemkit } = recording({ idempotentStart: true });
    const error = await stemkit
      .separate({ source: bytes, name: 'a.wav', stems: ['vocals'], idempotencyKey: '' })
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('idempotencyKey');
  });
});

describe('deleteSource', () => {
  it('asks the driver to delete the asset, and is declared by the method', async () => {
    const deleted: Asset[] = [];
    const { stemkit, driver } = recording({
      deleteSource: async (asset) => {
        deleted.push(asset);
      },
    });
    const asset = await stemkit.upload(bytes, { name: 'a.wav' });
    await stemkit.deleteSource(asset);
    expect(deleted.map((each) => each.id)).toEqual([asset.id]);
    expect(describeCapabilities(driver).deleteSource).toBe(true);
  });

  it('is an unsupported capability on a driver without it', async () => {
    const { stemkit } = recording();
    const asset = await stemkit.upload(bytes, { name: 'a.wav' });
    const error = await stemkit.deleteSource(asset).catch((caught: unknown) => caught);
    expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
    expect(stemkit.capabilities.deleteSource).toBe(false);
  });
});

describe('the usage model and formats', () => {
  it('a usage with only a quota (minutes left) and no months is a valid usage', () => {
    const usage = {
      provider: 'lalal',
      months: [],
      quota: { minutesLeft: 1234.5 },
      raw: { minutes_left: 1234.5 },
    };
    expect(UsageSchema.parse(usage)).toEqual(usage);
  });

  it('aac and ogg are neutral audio formats with their MIME types', () => {
    expect(AUDIO_FORMATS).toEqual(expect.arrayContaining(['aac', 'ogg']));
    expect(mimeTypeOf('aac')).toBe('audio/aac');
    expect(mimeTypeOf('ogg')).toBe('audio/ogg');
  });
});

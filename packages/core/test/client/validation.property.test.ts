import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStemkit, InvalidArgumentError, type JobHandle, type Stemkit } from '../../src/index.ts';
import { createMockDriver, type MockServer } from '../support/mock.ts';

// Every public function, given a wrong type or an out-of-range value, throws InvalidArgumentError naming the
// field, and sends nothing.

const handle: JobHandle = { contract: 1, provider: 'mock', id: 'job_0001' };
const asset = { id: 'file_1', name: 'a.wav', role: 'stem', provider: 'mock', raw: {} } as const;
const runs = { numRuns: 40 };

function client(): { stemkit: Stemkit; server: MockServer } {
  const driver = createMockDriver();
  return { stemkit: createStemkit({ driver }), server: driver.server };
}

/** Anything whose `typeof` is not one of `allowed` (and not undefined, which means "absent"). */
const notA = (...allowed: string[]) =>
  fc
    .oneof(
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.object(),
      fc.array(fc.integer()),
      fc.func(fc.integer()),
    )
    .filter(
      (value) => !allowed.includes(value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value),
    );

/** Numbers outside [min, max] (NaN and the infinities included); -0 counts as 0, as it does in JS. */
const outside = (min: number, max: number) =>
  fc
    .oneof(
      fc.double({ max: min, noNaN: true, maxExcluded: true }),
      fc.double({ min: max, noNaN: true, minExcluded: true }),
      fc.constant(Number.NaN),
    )
    .filter((value) => !(value >= min && value <= max));

async function expectField(action: () => Promise<unknown> | unknown, field: string, server?: MockServer) {
  let error: unknown;
  try {
    await action();
  } catch (caught) {
    error = caught;
  }
  expect(
    InvalidArgumentError.isInstance(error),
    `expected InvalidArgumentError for ${field}, got ${String(error)}`,
  ).toBe(true);
  expect((error as InvalidArgumentError).field).toBe(field);
  expect((error as InvalidArgumentError).message).toContain(field);
  if (server) expect(server.requests).toEqual([]);
}

const source = new Uint8Array([1, 2, 3]);

describe('separate validates every field', () => {
  it.each([
    ['stems', notA('array', 'undefined')],
    ['formats', notA('array', 'undefined')],
    ['targets', notA('array', 'undefined')],
    ['residual', notA('boolean', 'undefined')],
    ['metadata', notA('string', 'undefined')],
    ['variant', notA('string', 'undefined')],
    ['priority', notA('string', 'undefined')],
    ['providerOptions', notA('object', 'undefined')],
    ['trial', notA('object', 'undefined')],
    ['signal', notA('undefined')],
    ['onUploadProgress', notA('function', 'undefined')],
    [
      'callbackUrl',
      fc.oneof(notA('string', 'undefined'), fc.constantFrom('ftp://x.test/a', 'not a url', '')),
    ],
  ])('%s', async (field, values) => {
    await fc.assert(
      fc.asyncProperty(values, async (value) => {
        const { stemkit, server } = client();
        const options = { source, stems: ['vocals'], [field]: value };
        await expectField(() => stemkit.separate(options as never), field, server);
      }),
      runs,
    );
  });

  it('stems and formats, item by item', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(3), notA('string'), async (index, value) => {
        const { stemkit, server } = client();
        const stems: unknown[] = ['vocals', 'drums', 'bass', 'other'].slice(0, index + 1);
        stems[index] = value;
        await expectField(() => stemkit.separate({ source, stems } as never), `stems.${index}`, server);
        await expectField(
          () => stemkit.separate({ source, stems: ['vocals'], formats: ['wav', value] } as never),
          'formats.1',
          server,
        );
      }),
      runs,
    );
  });

  it('trial bounds', async () => {
    await fc.assert(
      fc.asyncProperty(outside(0, 86_400), outside(Number.MIN_VALUE, 86_400), async (start, seconds) => {
        const { stemkit, server } = client();
        await expectField(
          () => stemkit.separate({ source, stems: ['vocals'], trial: { start } }),
          'trial.start',
          server,
        );
        await expectField(
          () => stemkit.separate({ source, stems: ['vocals'], trial: { seconds } }),
          'trial.seconds',
          server,
        );
      }),
      runs,
    );
  });

  it('targets, field by field', async () => {
    await fc.assert(
      fc.asyncProperty(notA('string'), notA('boolean', 'undefined'), async (stem, residual) => {
        const { stemkit, server } = client();
        await expectField(
          () => stemkit.separate({ source, targets: [{ stem }] } as never),
          'targets.0.stem',
          server,
        );
        await expectField(
          () => stemkit.separate({ source, targets: [{ stem: 'vocals', residual }] } as never),
          'targets.0.residual',
          server,
        );
      }),
      runs,
    );
  });

  it('source', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.constant(undefined),
          fc.object(),
          fc.constant(''),
        ),
        async (value) => {
          const { stemkit, server } = client();
          await expectField(
            () => stemkit.separate({ source: value, stems: ['vocals'] } as never),
            'source',
            server,
          );
        },
      ),
      runs,
    );
  });

  it('the options object itself', async () => {
    await fc.assert(
      fc.asyncProperty(notA('object'), async (value) => {
        const { stemkit, server } = client();
        await expectField(() => stemkit.separate(value as never), 'options', server);
      }),
      runs,
    );
  });
});

describe('wait validates its options', () => {
  it.each([
    ['timeoutMs', fc.oneof(notA('number', 'undefined'), outside(Number.MIN_VALUE, 2 ** 31 - 1))],
    ['initialDelayMs', fc.oneof(notA('number', 'undefined'), outside(0, 2 ** 31 - 1))],
    ['maxDelayMs', outside(Number.MIN_VALUE, 2 ** 31 - 1)],
    ['factor', outside(1, 10)],
    ['jitter', outside(0, 1)],
    ['maxPollFailures', fc.oneof(outside(0, 1_000), fc.constant(1.5))],
    ['onProgress', notA('function', 'undefined')],
    ['signal', notA('undefined')],
  ])('%s', async (field, values) => {
    await fc.assert(
      fc.asyncProperty(values, async (value) => {
        const { stemkit, server } = client();
        await expectField(() => stemkit.wait(handle, { [field]: value } as never), field, server);
      }),
      runs,
    );
  });

  it('rejects what is not a job reference, naming `job`', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.string().map((text) => `sk1.${text}`),
        ),
        async (value) => {
          const { stemkit, server } = client();
          await expectField(() => stemkit.wait(value as never), 'job', server);
          await expectField(() => stemkit.get(value as never), 'job', server);
          await expectField(() => stemkit.cancel(value as never), 'job', server);
        },
      ),
      runs,
    );
  });
});

describe('download, mix, zip, list and upload validate their arguments', () => {
  it('download', async () => {
    await fc.assert(
      fc.asyncProperty(notA('string', 'undefined'), notA('string'), async (format, id) => {
        const { stemkit, server } = client();
        await expectField(() => stemkit.download(asset, { format } as never), 'format', server);
        await expectField(() => stemkit.download({ ...asset, id } as never), 'asset.id', server);
      }),
      runs,
    );
  });

  it('mix', async () => {
    await fc.assert(
      fc.asyncProperty(
        outside(0, 1),
        outside(-1, 1),
        notA('string', 'undefined'),
        async (volume, pan, format) => {
          const { stemkit, server } = client();
          const track = { stem: 'vocals', volume: 1, pan: 0 };
          await expectField(
            () => stemkit.mix(handle, { tracks: [{ ...track, volume }] }),
            'tracks.0.volume',
            server,
          );
          await expectField(
            () => stemkit.mix(handle, { tracks: [track, { ...track, pan }] }),
            'tracks.1.pan',
            server,
          );
          await expectField(() => stemkit.mix(handle, { tracks: [] }), 'tracks', server);
          await expectField(
            () => stemkit.mix(handle, { tracks: [track], format } as never),
            'format',
            server,
          );
        },
      ),
      runs,
    );
  });

  it('zip', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string().filter((text) => !['wav', 'mp3', 'm4a', 'flac', 'aiff', 'mp4'].includes(text)),
        async (format) => {
          const { stemkit, server } = client();
          await expectField(
            () => stemkit.zip(handle, { stems: ['vocals'], format } as never),
            'format',
            server,
          );
          await expectField(() => stemkit.zip(handle, { stems: [], format: 'wav' }), 'stems', server);
        },
      ),
      runs,
    );
  });

  it('list', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(outside(1, 100), fc.constant(2.5), notA('number', 'undefined')),
        async (pageSize) => {
          const { stemkit, server } = client();
          await expectField(() => stemkit.list({ pageSize } as never), 'pageSize', server);
        },
      ),
      runs,
    );
  });

  it('upload', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(notA('string', 'undefined'), fc.constant('')),
        notA('function', 'undefined'),
        async (name, onProgress) => {
          const { stemkit, server } = client();
          await expectField(() => stemkit.upload(source, { name } as never), 'name', server);
          await expectField(() => stemkit.upload(source, { onProgress } as never), 'onProgress', server);
        },
      ),
      runs,
    );
  });

  it('createStemkit', async () => {
    await fc.assert(
      fc.asyncProperty(
        notA('object'),
        notA('object', 'undefined'),
        notA('function'),
        async (driver, wait, status) => {
          await expectField(() => createStemkit({ driver } as never), 'driver');
          await expectField(() => createStemkit({ driver: createMockDriver(), wait } as never), 'wait');
          await expectField(
            () => createStemkit({ driver: { ...createMockDriver(), status } } as never),
            'driver.status',
          );
        },
      ),
      runs,
    );
  });
});

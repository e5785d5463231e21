import { createStemkit } from '@stemkit/core';
import {
  type Asset,
  InvalidArgumentError,
  type TargetRequest,
  UnsupportedCapabilityError,
} from '@stemkit/core/driver';
import { describe, expect, test } from 'vitest';
import { createHandle } from '../helpers/handle.ts';
import { useSeedApi } from '../helpers/seed-api.ts';

// Everything Sourcere cannot do is refused before any request: msw records no call at all. The client owns
// every rule the capabilities declare; the driver's `validate` owns Sourcere's own (one algorithm per job).

const api = useSeedApi();
const bytes = new Uint8Array([82, 73, 70, 70, 0, 0, 0, 0]);
const twoStems = createHandle('5f15c73bb31d945f389583af', { stems: ['vocals', 'instrumental'] });
// The two-stem algorithm makes instrumental too, but this job asked for vocals alone.
const vocalsOnly = createHandle('5f15c73bb31d945f389583af', { stems: ['vocals'] });
const stems = (...names: string[]): TargetRequest[] => names.map((stem) => ({ stem, formats: ['wav'] }));
const client = () => createStemkit({ driver: api.driver() });

async function refusal(attempt: () => Promise<unknown>) {
  const error = await attempt().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(api.calls).toHaveLength(0);
  return error;
}

describe('separate', () => {
  test.each([
    ['a stem no algorithm produces', ['guitar'], 'stem:guitar'],
    ['instrumental with drums (two algorithms)', ['instrumental', 'drums'], 'stem:instrumental'],
    ['accompaniment, a name Sourcere does not use', ['accompaniment', 'bass'], 'stem:accompaniment'],
  ])('%s is unsupported', async (_case, names, capability) => {
    const error = await refusal(() => client().separate({ source: bytes, stems: names }));

    expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
    expect((error as UnsupportedCapabilityError).capability).toBe(capability);
  });

  test.each([
    ['a format the download endpoint lacks', { stems: ['vocals'], formats: ['aiff'] }, 'format:aiff'],
    ['a residual', { stems: ['vocals'], residual: true }, 'residual'],
    ['a variant', { stems: ['vocals'], variant: 'high_quality' }, 'variant'],
    ['more than four targets', { stems: ['vocals', 'drums', 'bass', 'other', 'guitar'] }, 'maxTargets'],
  ])('%s is unsupported', async (_case, options, capability) => {
    const error = await refusal(() => client().separate({ source: bytes, ...options }));

    expect((error as UnsupportedCapabilityError).capability).toBe(capability);
  });

  test.each([
    ['no stem', { stems: [] }, 'stems'],
    ['a stem twice', { stems: ['vocals', 'vocals'] }, 'stems.1'],
    ['a negative trial start', { stems: ['vocals'], trial: { start: -1 } }, 'trial.start'],
    ['a trial of zero seconds', { stems: ['vocals'], trial: { seconds: 0 } }, 'trial.seconds'],
  ])('%s is an invalid argument', async (_case, options, field) => {
    const error = await refusal(() => client().separate({ source: bytes, ...options }));

    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).field).toBe(field);
  });
});

describe('validate', () => {
  test('refuses stems no single algorithm produces, sending nothing', () => {
    const driver = api.driver();

    expect(() => driver.validate({ targets: stems('instrumental', 'drums') })).toThrow(
      expect.objectContaining({ capability: 'stem:instrumental' }),
    );
    expect(api.calls).toHaveLength(0);
  });

  test('accepts what one algorithm produces', () => {
    expect(() =>
      api.driver().validate({ targets: stems('vocals', 'drums'), trial: { seconds: 5 } }),
    ).not.toThrow();
  });
});

describe('mix', () => {
  test.each([
    ['a volume of 1.5', { stem: 'vocals', volume: 1.5, pan: 0 }, 'tracks.0.volume'],
    ['a volume below 0', { stem: 'vocals', volume: -0.1, pan: 0 }, 'tracks.0.volume'],
    ['a pan of -2', { stem: 'vocals', volume: 1, pan: -2 }, 'tracks.0.pan'],
    ['a stem this separation did not produce', { stem: 'drums', volume: 1, pan: 0 }, 'tracks.0.stem'],
  ])('%s is an invalid argument', async (_case, track, field) => {
    const error = await refusal(() => client().mix(twoStems, { tracks: [track] }));

    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).field).toBe(field);
  });

  test('a format the download endpoint lacks is unsupported', async () => {
    const error = await refusal(() =>
      client().mix(twoStems, { tracks: [{ stem: 'vocals', volume: 1, pan: 0 }], format: 'aiff' }),
    );

    expect((error as UnsupportedCapabilityError).capability).toBe('format:aiff');
  });
});

describe('zip and link', () => {
  test('zipping a stem the separation did not produce is an invalid argument', async () => {
    const error = await refusal(() => client().zip(twoStems, { stems: ['bass'], format: 'mp3' }));

    expect((error as InvalidArgumentError).field).toBe('stems.0');
  });

  test('zipping a stem the algorithm made but the job never asked for is refused, naming the stems it has', async () => {
    const error = await refusal(() => client().zip(vocalsOnly, { stems: ['instrumental'], format: 'mp3' }));

    expect((error as InvalidArgumentError).field).toBe('stems.0');
    expect((error as Error).message).toContain('has no finished "instrumental" stem (it has vocals)');
  });

  test('a download in a format the download endpoint lacks is unsupported', async () => {
    const asset: Asset = {
      id: '5f15c73bb31d945f389583af/vocals.wav',
      name: 'vocals.wav',
      role: 'stem',
      provider: 'sourcere',
      raw: {},
    };
    const error = await refusal(() => client().download(asset, { job: twoStems, format: 'aiff' }));

    expect((error as UnsupportedCapabilityError).capability).toBe('format:aiff');
  });

  test('a zip downloads as zip only', async () => {
    const asset: Asset = {
      id: '5f15c73bb31d945f389583af/zip/z.zip',
      name: 'z.zip',
      role: 'archive',
      provider: 'sourcere',
      raw: {},
    };
    const error = await refusal(() => client().download(asset, { job: twoStems, format: 'mp3' }));

    expect((error as UnsupportedCapabilityError).capability).toBe('format:mp3');
  });

  test('a handle of another provider is an invalid argument', async () => {
    const error = await refusal(() => api.driver().status({ contract: 1, provider: 'audioshake', id: 'x' }));

    expect((error as InvalidArgumentError).field).toBe('handle.provider');
  });
});

import {
  type Asset,
  InvalidArgumentError,
  type StartRequest,
  type TargetRequest,
  UnsupportedCapabilityError,
} from '@stemkit/core';
import { describe, expect, test } from 'vitest';
import { createHandle } from '../../src/handle.ts';
import { useSeedApi } from '../helpers/seed-api.ts';

// Everything Sourcere cannot do is refused before any request: msw records no call at all.

const api = useSeedApi();
const source: Asset = {
  id: '5f0c5fbab669c67bbbd1e2eb',
  name: 'song.wav',
  role: 'source',
  provider: 'sourcere',
  raw: {},
};
const twoStems = createHandle('5f15c73bb31d945f389583af', { stems: ['vocals', 'instrumental'] });
const stems = (...names: string[]): TargetRequest[] => names.map((stem) => ({ stem, formats: ['wav'] }));

async function refusal(attempt: () => Promise<unknown>) {
  const error = await attempt().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(api.calls).toHaveLength(0);
  return error;
}

describe('start', () => {
  test.each([
    ['a stem no algorithm produces', stems('guitar'), 'stem:guitar'],
    ['instrumental with drums (two algorithms)', stems('instrumental', 'drums'), 'stem:instrumental'],
    ['accompaniment with bass', stems('accompaniment', 'bass'), 'stem:instrumental'],
  ])('%s is unsupported', async (_case, targets, capability) => {
    const error = await refusal(() => api.driver().start({ source: { asset: source }, targets }));

    expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
    expect((error as UnsupportedCapabilityError).capability).toBe(capability);
  });

  test.each<[string, Partial<StartRequest>, string]>([
    [
      'a format the download endpoint lacks',
      { targets: [{ stem: 'vocals', formats: ['aiff'] }] },
      'format:aiff',
    ],
    ['a residual', { targets: [{ stem: 'vocals', formats: ['wav'], residual: true }] }, 'residual'],
    ['a remote URL', { source: { url: 'https://example.com/song.mp3' } }, 'url-input'],
  ])('%s is unsupported', async (_case, change, capability) => {
    const request = { source: { asset: source }, targets: stems('vocals'), ...change };
    const error = await refusal(() => api.driver().start(request));

    expect((error as UnsupportedCapabilityError).capability).toBe(capability);
  });

  test.each<[string, Partial<StartRequest>, string]>([
    ['no stem', { targets: [] }, 'targets'],
    ['a stem twice', { targets: stems('vocals', 'vocals') }, 'targets'],
    ['a negative trial start', { trial: { start: -1 } }, 'trial.start'],
    ['a trial of zero seconds', { trial: { seconds: 0 } }, 'trial.seconds'],
  ])('%s is an invalid argument', async (_case, change, field) => {
    const request = { source: { asset: source }, targets: stems('vocals'), ...change };
    const error = await refusal(() => api.driver().start(request));

    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).field).toBe(field);
  });
});

describe('validate', () => {
  test.each([
    ['instrumental with drums', { targets: stems('instrumental', 'drums') }, 'stem:instrumental'],
    [
      'a format the download endpoint lacks',
      { targets: [{ stem: 'vocals', formats: ['aiff'] }] },
      'format:aiff',
    ],
  ])('refuses %s as start would, sending nothing', (_case, request, capability) => {
    const driver = api.driver();

    expect(() => driver.validate(request)).toThrow(expect.objectContaining({ capability }));
    expect(api.calls).toHaveLength(0);
  });

  test('accepts what start accepts', () => {
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
    ['a stem this separation did not produce', { stem: 'drums', volume: 1, pan: 0 }, 'tracks.0'],
  ])('%s is an invalid argument', async (_case, track, field) => {
    const error = await refusal(() => api.driver().mix(twoStems, { tracks: [track] }));

    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).field).toBe(field);
  });

  test('a format the download endpoint lacks is unsupported', async () => {
    const error = await refusal(() =>
      api.driver().mix(twoStems, { tracks: [{ stem: 'vocals', volume: 1, pan: 0 }], format: 'aiff' }),
    );

    expect((error as UnsupportedCapabilityError).capability).toBe('format:aiff');
  });
});

describe('zip and link', () => {
  test('zipping a stem the separation did not produce is an invalid argument', async () => {
    const error = await refusal(() => api.driver().zip(twoStems, { stems: ['bass'], format: 'mp3' }));

    expect((error as InvalidArgumentError).field).toBe('stems.0');
  });

  test('a link in a format the download endpoint lacks is unsupported', async () => {
    const asset: Asset = {
      id: '5f15c73bb31d945f389583af/vocals.wav',
      name: 'vocals.wav',
      role: 'stem',
      provider: 'sourcere',
      raw: {},
    };
    const error = await refusal(() => api.driver().link(twoStems, { asset, format: 'aiff' }));

    expect((error as UnsupportedCapabilityError).capability).toBe('format:aiff');
  });

  test('a handle of another provider is an invalid argument', async () => {
    const error = await refusal(() => api.driver().status({ contract: 1, provider: 'audioshake', id: 'x' }));

    expect((error as InvalidArgumentError).field).toBe('handle.provider');
  });
});

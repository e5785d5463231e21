import { describe, expect, it } from 'vitest';
import {
  LegacyAssetSchema,
  LegacyJobSchema,
  legacyJobOutputs,
  legacyJobsOf,
  legacyJobToNeutral,
} from '../../src/index.ts';
import { assetOf, legacyStatusToNeutral } from '../../src/legacy/to-neutral.ts';
import { fixture } from '../helpers/fixtures.ts';

/** An upload's answer as the driver maps it. */
const sourceOf = (payload: unknown) => assetOf(LegacyAssetSchema.parse(payload), 'source');

describe('legacyJobToNeutral on the seed 003 examples', () => {
  it('maps the newly created job: queued, one alignment target, no outputs', () => {
    const job = legacyJobToNeutral(fixture('seed-003/created-job.json'));
    expect(job).toMatchObject({
      id: 'clksrfob8000bf7of6xkscy8m',
      provider: 'audioshake-legacy',
      status: 'queued',
      handle: { contract: 1, provider: 'audioshake-legacy', id: 'clksrfob8000bf7of6xkscy8m' },
    });
    expect(job.targets).toEqual([
      expect.objectContaining({
        id: 'clksrfob8000bf7of6xkscy8m',
        stem: 'alignment',
        formats: ['json'],
        status: 'queued',
        outputs: [],
      }),
    ]);
  });

  it('maps the completed separation job, reading outputs and metadata nested in sourceAsset', () => {
    const job = legacyJobToNeutral(fixture('seed-003/completed-separation-job.json'));
    expect(job.status).toBe('succeeded');
    expect(job.source).toMatchObject({
      id: 'clksq2o6c1506f7ofcyvzpdh8',
      name: 'COOKIN-EUROPA_Drum.mp3',
      role: 'source',
      format: 'mp3',
      mimeType: 'audio/mpeg',
      url: '<LINK TO FILE>',
    });
    const [target] = job.targets;
    expect(target).toMatchObject({ stem: 'instrumental', formats: ['wav'], status: 'succeeded' });
    expect(target?.outputs).toEqual([
      {
        id: 'clksrg52j2319f7of26wleinn1',
        name: 'instrumental.wav',
        role: 'stem',
        stem: 'instrumental',
        format: 'wav',
        mimeType: 'audio/wav',
        url: '<LINK TO FILE>',
        provider: 'audioshake-legacy',
        raw: expect.objectContaining({ fileType: 'audio/wav' }),
      },
    ]);
    expect(job).toMatchObject({
      createdAt: '2023-08-01T20:37:06.656Z',
      updatedAt: '2023-08-01T20:37:28.392Z',
      completedAt: '2023-08-01T20:37:28.392Z',
    });
    expect(job.progress?.events.map((event) => [event.name, event.at])).toEqual([
      ['created', '2023-08-01T20:37:06.656Z'],
      ['started', '2023-08-01T20:37:07.839Z'],
    ]);
  });

  it('maps the completed transcription/alignment job with outputs at job level', () => {
    const job = legacyJobToNeutral(fixture('seed-003/completed-transcription-job.json'));
    expect(job.status).toBe('succeeded');
    expect(job.targets[0]).toMatchObject({ stem: 'alignment', formats: ['json'] });
    expect(job.targets[0]?.outputs).toEqual([
      expect.objectContaining({
        id: 'clksrg52j2319f7of26wleinn',
        name: 'transcription.json',
        role: 'alignment',
        format: 'json',
        mimeType: 'application/json',
      }),
    ]);
  });

  it('keeps every documented Job field readable through legacyJobsOf', () => {
    const job = legacyJobToNeutral(fixture('seed-003/completed-transcription-job.json'));
    const [raw] = legacyJobsOf(job);
    expect(raw).toMatchObject({
      clientId: '<YOUR CLIENT ID>',
      requestId: 'clksrfob8000bf7of6xkscy8m',
      licenseId: '',
      startedAt: '2023-08-01T20:37:07.839Z',
      callbackUrl: '<YOUR CALLBACK URL>',
      statusInfo: {},
    });
  });

  it('maps the normalised separation job of the spec the same way as the nested one', () => {
    const nested = legacyJobToNeutral(fixture('seed-003/completed-separation-job.json'));
    const flat = legacyJobToNeutral(fixture('spec/legacy-completed-separation-job.json'));
    const summary = (job: typeof flat) =>
      job.targets.map((target) => [target.stem, target.status, target.outputs.map((output) => output.name)]);
    expect(summary(flat)).toEqual(summary(nested));
  });

  it('maps the spec created job, a bare job, and a creation answer without status (queued)', () => {
    expect(legacyJobToNeutral(fixture('spec/legacy-created-job.json')).status).toBe('queued');
    const bare = fixture('spec/legacy-created-job.json').job;
    expect(legacyJobToNeutral(bare).targets[0]?.stem).toBe('alignment');
    expect(legacyJobToNeutral({ job: { id: 'clmusicdetect0001', assetId: 'a' } }).status).toBe('queued');
  });
});

describe('legacy outputs, read defensively', () => {
  const asset = (id: string, name: string) => ({
    id,
    name,
    format: 'wav',
    fileType: 'audio/wav',
    link: `https://x/${id}`,
  });

  it('reads stemAssets and stemMetadata (the /models/job shape) and otherAssets, without duplicates', () => {
    const job = LegacyJobSchema.parse({
      id: 'j1',
      status: 'completed',
      stemMetadata: { stemName: 'vocals', format: 'wav', residual: true },
      stemAssets: [asset('a', 'vocals.wav')],
      sourceAsset: {
        id: 's',
        stemAssets: [asset('a', 'vocals.wav')],
        outputAssets: [asset('b', 'vocals_residual.wav')],
      },
      otherAssets: [{ id: 'c', name: 'vocals.json', format: 'json', fileType: 'application/json' }],
    });
    expect(legacyJobOutputs(job).map((each) => each.id)).toEqual(['a', 'b', 'c']);
    const neutral = legacyJobToNeutral(job);
    expect(neutral.targets[0]).toMatchObject({ stem: 'vocals', options: { residual: true } });
    expect(neutral.targets[0]?.outputs.map((output) => output.role)).toEqual(['stem', 'residual', 'other']);
  });

  it.each([
    ['created', 'queued'],
    ['processing', 'running'],
    ['completed', 'succeeded'],
    ['failed', 'failed'],
    ['error', 'failed'],
    ['ERROR', 'failed'],
    [undefined, 'queued'],
    ['something-new', 'running'],
  ] as const)('maps status %s to %s', (status, expected) => {
    expect(legacyStatusToNeutral(status)).toBe(expected);
  });

  it('reports a failed job with statusInfo as the error', () => {
    const neutral = legacyJobToNeutral({
      job: { id: 'j2', status: 'failed', statusInfo: { code: 422, message: 'Audio could not be decoded' } },
    });
    expect(neutral.status).toBe('failed');
    expect(neutral.targets[0]?.error).toEqual({ code: 422, message: 'Audio could not be decoded' });
  });

  it('falls back to error / errorMessage when statusInfo is empty', () => {
    const withError = legacyJobToNeutral({
      id: 'j3',
      status: 'error',
      statusInfo: {},
      error: 'model crashed',
    });
    expect(withError.targets[0]?.error).toEqual({ message: 'model crashed' });
    const withMessage = legacyJobToNeutral({ id: 'j4', status: 'failed', errorMessage: 'too long' });
    expect(withMessage.targets[0]?.error).toEqual({ message: 'too long' });
    const withNothing = legacyJobToNeutral({ id: 'j5', status: 'failed' });
    expect(withNothing.targets[0]?.error?.message).toBe('legacy job j5 failed');
  });

  it('rejects a payload without an id as an InvalidResponseError', () => {
    expect(() => legacyJobToNeutral({ job: { status: 'completed' } })).toThrow(
      expect.objectContaining({ code: 'invalid-response' }),
    );
  });
});

describe('legacy assets', () => {
  it('maps the seed 003 asset: fileType → mimeType, link → url', () => {
    expect(sourceOf(fixture('seed-003/asset.json'))).toEqual({
      id: 'clyxaywtp00ne0jpi4nf435dv',
      name: 'audioshake-it-up',
      role: 'source',
      format: 'mp3',
      mimeType: 'audio/mpeg',
      url: 'YOUR_AUDIO_FILE_LINK',
      provider: 'audioshake-legacy',
      raw: fixture('seed-003/asset.json'),
    });
  });

  it('maps the spec upload response and derives a missing format from the name', () => {
    expect(sourceOf(fixture('spec/legacy-upload-response.json'))).toMatchObject({
      name: 'song',
      format: 'mp3',
      url: 'https://...',
    });
    expect(sourceOf({ id: 'x', name: 'take.flac' })).toMatchObject({
      format: 'flac',
      mimeType: 'audio/flac',
    });
  });
});

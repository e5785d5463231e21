import { describe, expect, it } from 'vitest';
import {
  type Asset,
  extensionOf,
  fileNameOfUrl,
  findOutput,
  inferOutputRole,
  type Job,
  linkFromStatus,
  NotFoundError,
  outputLink,
  outputMimeType,
  UnsupportedCapabilityError,
  withoutUndefined,
} from '../../src/driver/index.ts';

function output(id: string, name: string, format: string, url?: string): Asset {
  return withoutUndefined({ id, name, role: 'stem' as const, format, url, provider: 'acme', raw: {} });
}

const wav = output('o1', 'vocals.wav', 'wav', 'https://cdn.test/vocals.wav?sig=1');
const mp3 = output('o2', 'vocals.mp3', 'mp3', 'https://cdn.test/vocals.mp3?sig=2');
const drums = output('o3', 'drums.wav', 'wav');
const job: Job = {
  id: 'job-1',
  provider: 'acme',
  status: 'succeeded',
  targets: [
    { id: 't1', stem: 'vocals', formats: ['wav', 'mp3'], status: 'succeeded', outputs: [wav, mp3], raw: {} },
    { id: 't2', stem: 'drums', formats: ['wav'], status: 'succeeded', outputs: [drums], raw: {} },
  ],
  warnings: [],
  handle: { contract: 1, provider: 'acme', id: 'job-1' },
  raw: {},
};

describe('file names', () => {
  it.each([
    ['vocals.WAV', 'wav'],
    ['a.b.flac', 'flac'],
    ['no-extension', undefined],
    ['archive.toolongext', undefined],
  ])('extensionOf(%s) is %s', (name, expected) => {
    expect(extensionOf(name)).toBe(expected);
  });

  it('names a URL by its last path segment, decoded, without the query', () => {
    expect(fileNameOfUrl('https://cdn.test/a/song%201.mp3?X-Amz-Signature=secret')).toBe('song 1.mp3');
    expect(fileNameOfUrl('https://cdn.test/')).toBe('https://cdn.test/');
    expect(fileNameOfUrl('not a url')).toBe('not a url');
  });

  it('falls back to the URL on a malformed percent escape instead of throwing', () => {
    expect(fileNameOfUrl('https://cdn.test/%E0%A4%A.wav')).toBe('https://cdn.test/%E0%A4%A.wav');
  });

  it('types an output by the provider first, then its format', () => {
    expect(outputMimeType('wav', 'audio/x-custom')).toBe('audio/x-custom');
    expect(outputMimeType('flac')).toBe('audio/flac');
    expect(outputMimeType(undefined)).toBeUndefined();
  });

  it('drops undefined fields only', () => {
    expect(withoutUndefined({ a: 1, b: undefined, c: null, d: 0 })).toEqual({ a: 1, c: null, d: 0 });
    expect(Object.keys(withoutUndefined({ a: undefined }))).toEqual([]);
  });
});

describe('inferOutputRole', () => {
  it('makes a …_residual file a residual, whatever else is said', () => {
    expect(inferOutputRole('vocals_residual.wav', 'wav', 'transcript')).toBe('residual');
    expect(inferOutputRole('vocals_residual')).toBe('residual');
  });

  it("takes the provider's own word, then text formats as other, then stem", () => {
    expect(inferOutputRole('lyrics.json', 'json', 'transcript')).toBe('transcript');
    expect(inferOutputRole('notes.txt', 'txt')).toBe('other');
    expect(inferOutputRole('vocals.wav', 'wav')).toBe('stem');
    expect(inferOutputRole('notes.json.wav', 'xjson')).toBe('stem');
  });
});

describe('findOutput and outputLink', () => {
  it('finds the asset itself, and the same output in another format', () => {
    expect(findOutput(job, { asset: wav })).toBe(wav);
    expect(findOutput(job, { asset: wav, format: 'wav' })).toBe(wav);
    expect(findOutput(job, { asset: wav, format: 'mp3' })).toBe(mp3);
    expect(findOutput(job, { asset: drums, format: 'mp3' })).toBeUndefined();
  });

  it('links to the output, with its expiry when known', () => {
    expect(outputLink(job, { asset: mp3 }, 'ask at start')).toEqual({ ready: true, url: mp3.url });
    const expiring = { ...job, targets: [{ ...job.targets[0]!, outputs: [{ ...wav, expiresAt: 'soon' }] }] };
    expect(outputLink(expiring, { asset: wav }, 'x')).toEqual({
      ready: true,
      url: wav.url,
      expiresAt: 'soon',
    });
  });

  it('refuses a format never made with the remedy, and a missing output as not found', () => {
    expect(() => outputLink(job, { asset: drums, format: 'mp3' }, 'ask for mp3 at start')).toThrow(
      UnsupportedCapabilityError,
    );
    expect(() => outputLink(job, { asset: drums, format: 'mp3' }, 'ask for mp3 at start')).toThrow(
      /acme converts nothing on demand; ask for mp3 at start/,
    );
    expect(() => outputLink(job, { asset: drums }, 'x')).toThrow(NotFoundError);
    const stranger = output('elsewhere', 'bass.wav', 'wav', 'https://cdn.test/bass.wav');
    expect(() => outputLink(job, { asset: stranger }, 'x')).toThrow(/No output bass.wav in acme job job-1/);
  });

  it('linkFromStatus reads the job again for every link, so an expired link is refreshed', async () => {
    let reads = 0;
    const link = linkFromStatus(
      async (_handle: string) => {
        reads += 1;
        return { job };
      },
      (request) => `ask for ${request.format} at start`,
    );
    await expect(link('h', { asset: wav, format: 'mp3' })).resolves.toMatchObject({ url: mp3.url });
    await expect(link('h', { asset: drums, format: 'flac' })).rejects.toThrow(/ask for flac at start/);
    expect(reads).toBe(2);
  });
});

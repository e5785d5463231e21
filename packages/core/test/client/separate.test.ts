import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  type StartRequest,
  type StemkitDriver,
  UnsupportedCapabilityError,
} from '../../src/driver/index.ts';
import { createStemkit } from '../../src/index.ts';
import { createMockDriver, type MockDriverOptions, sampleWav } from '../support/mock.ts';

const bytes = sampleWav({ seconds: 0.05 });

function setup(script: MockDriverOptions = {}) {
  const driver = createMockDriver(script);
  return { driver, stemkit: createStemkit({ driver }), requests: driver.server.requests };
}

async function unsupported(promise: Promise<unknown>): Promise<UnsupportedCapabilityError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
  return error as UnsupportedCapabilityError;
}

describe('separate', () => {
  it('uploads, then starts one target per stem with the default format', async () => {
    const { stemkit, requests } = setup();
    const job = await stemkit.separate({ source: bytes, name: 'song.wav', stems: ['vocals', 'drums'] });
    expect(requests.map((request) => request.operation)).toEqual(['upload', 'start']);
    expect(job.targets.map((target) => [target.stem, target.formats])).toEqual([
      ['vocals', ['wav']],
      ['drums', ['wav']],
    ]);
    expect(job.source?.role).toBe('source');
    expect(job.provider).toBe('mock');
  });

  it('mixes stems and targets, each target with its own formats', async () => {
    const { stemkit } = setup();
    const job = await stemkit.separate({
      source: bytes,
      stems: ['vocals'],
      formats: ['mp3'],
      targets: [{ stem: 'bass', formats: ['flac', 'wav'], residual: true }],
    });
    expect(job.targets.map((target) => target.formats)).toEqual([['mp3'], ['flac', 'wav']]);
  });

  it('returns warnings for options the provider ignores', async () => {
    const { stemkit } = setup();
    const job = await stemkit.separate({ source: bytes, stems: ['vocals'], priority: 'high' });
    expect(job.warnings).toEqual([expect.objectContaining({ code: 'option-ignored', field: 'priority' })]);
  });

  it('keeps a warning once when the driver reports it on the job and in the start result', async () => {
    const driver = createMockDriver();
    const start = driver.start.bind(driver);
    driver.start = async (request, options) => {
      const result = await start(request, options);
      return { ...result, job: result.job && { ...result.job, warnings: [...(result.warnings ?? [])] } };
    };
    const job = await createStemkit({ driver }).separate({
      source: bytes,
      stems: ['vocals'],
      priority: 'high',
    });
    expect(job.warnings).toHaveLength(1);
  });

  it.each([
    ['an undeclared stem', { stems: ['guitar'] }, 'stem:guitar'],
    ['an undeclared format', { stems: ['vocals'], formats: ['aiff'] }, 'format:aiff'],
    ['a trial', { stems: ['vocals'], trial: { seconds: 30 } }, 'trial'],
    ['a variant', { stems: ['vocals'], variant: 'high' }, 'variant'],
    ['a language', { stems: ['vocals'], language: 'en' }, 'language'],
    ['transcription', { stems: ['transcription'] }, 'transcription'],
    ['too many targets', { stems: ['vocals', 'drums', 'bass', 'other', 'instrumental'] }, 'maxTargets'],
  ])('refuses %s before sending anything', async (_, options, capability) => {
    const { stemkit, requests } = setup({ capabilities: { maxTargets: 4 } });
    const error = await unsupported(stemkit.separate({ source: bytes, ...options }));
    expect(error.capability).toBe(capability);
    expect(error.provider).toBe('mock');
    expect(error.message).toContain('mock');
    expect(requests).toEqual([]);
  });

  it('names the stems and formats there are when refusing one', async () => {
    const { stemkit } = setup();
    const stem = await unsupported(stemkit.separate({ source: bytes, stems: ['guitar'] }));
    expect(stem.message).toContain('its stems are vocals, instrumental, drums, bass, other');
    const format = await unsupported(
      stemkit.separate({ source: bytes, stems: ['vocals'], formats: ['aiff'] }),
    );
    expect(format.message).toContain('its formats are wav, mp3, flac');
    // With a plugin that converts, it says how to get the format anyway.
    const driver = createMockDriver();
    const converter = {
      name: 'converter',
      convert: async ({ data, to }: { data: Uint8Array; to: string }) => ({ data, format: to }),
    };
    const withPlugin = createStemkit({ driver, plugins: [converter] });
    const hinted = await unsupported(
      withPlugin.separate({ source: bytes, stems: ['vocals'], formats: ['m4a'] }),
    );
    expect(hinted.message).toContain("download with { format: 'm4a' }");
    expect(driver.server.requests).toEqual([]);
  });

  it('refuses a callback URL when the driver takes none, and residuals when it has none', async () => {
    const { stemkit, requests } = setup({
      features: { callbacks: false },
      capabilities: { residual: false },
    });
    const callback = await unsupported(
      stemkit.separate({ source: bytes, stems: ['vocals'], callbackUrl: 'https://app.test/hook' }),
    );
    expect(callback.capability).toBe('callbacks');
    const residual = await unsupported(
      stemkit.separate({ source: bytes, stems: ['vocals'], residual: true }),
    );
    expect(residual.capability).toBe('residual');
    expect(requests).toEqual([]);
  });

  it("asks the driver's validate before any request, with the request it will start", async () => {
    const mock = createMockDriver();
    const validated: Array<Omit<StartRequest, 'source'>> = [];
    const driver: StemkitDriver = {
      ...mock,
      validate(request) {
        validated.push(request);
        if (request.targets.some((target) => target.stem === 'bass')) {
          throw new UnsupportedCapabilityError('stems', 'no algorithm separates bass with vocals');
        }
      },
    };
    const stemkit = createStemkit({ driver });
    await unsupported(stemkit.separate({ source: bytes, stems: ['vocals', 'bass'], metadata: 'm' }));
    expect(mock.server.requests).toEqual([]);
    expect(validated[0]).toMatchObject({ targets: [{ stem: 'vocals' }, { stem: 'bass' }], metadata: 'm' });
    expect(validated[0]).not.toHaveProperty('source');
    await stemkit.separate({ source: bytes, stems: ['vocals'] });
    expect(mock.server.requests.map((request) => request.operation)).toEqual(['upload', 'start']);
  });

  it('refuses a source over the size limit before sending it', async () => {
    const { stemkit, requests } = setup({ capabilities: { maxUploadBytes: 100 } });
    const error = await unsupported(stemkit.separate({ source: bytes, stems: ['vocals'] }));
    expect(error.capability).toBe('maxUploadBytes');
    expect(error.message).toContain('at most 100 bytes');
    expect(requests).toEqual([]);
  });

  it('stops a stream of unknown size at the limit with an UploadError', async () => {
    const { stemkit } = setup({ capabilities: { maxUploadBytes: 100 } });
    const error = await stemkit.upload(new Blob([bytes]).stream()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'upload' });
  });

  it('rejects asking twice for one stem', async () => {
    const { stemkit } = setup();
    await expect(stemkit.separate({ source: bytes, stems: ['vocals', 'vocals'] })).rejects.toMatchObject({
      field: 'stems.1',
    });
  });

  it('asks for at least one stem', async () => {
    const { stemkit } = setup();
    const error = await stemkit.separate({ source: bytes }).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('stems');
  });

  it('uploads a transcript once for the alignment targets that share it', async () => {
    const starts: StartRequest[] = [];
    const driver = createMockDriver({ capabilities: { alignment: true, stems: 'any' } });
    const spy: StemkitDriver = {
      ...driver,
      async start(request) {
        starts.push(request);
        return { handle: { contract: 1, provider: 'mock', id: 'job_aligned' } };
      },
    };
    const lyrics = new TextEncoder().encode('la la la');
    await createStemkit({ driver: spy })
      .separate({
        source: bytes,
        stems: ['vocals', 'alignment'],
        formats: ['wav'],
        transcript: { body: new Blob([lyrics]).stream(), name: 'lyrics.txt' },
        targets: [{ stem: 'alignment', variant: 'words', transcript: 'https://cdn.test/lyrics.txt' }],
      })
      .catch((error: unknown) => error);
    // The variant is refused (the mock declares none): nothing was sent, transcripts included.
    expect(starts).toEqual([]);
    expect(driver.server.uploads).toEqual([]);

    await createStemkit({ driver: spy }).separate({
      source: bytes,
      stems: ['vocals', 'alignment'],
      transcript: { body: new Blob([lyrics]).stream(), name: 'lyrics.txt' },
    });
    const [vocals, alignment] = starts[0]!.targets;
    expect(vocals?.transcript).toBeUndefined();
    expect(alignment?.transcript).toMatchObject({ asset: { name: 'lyrics.txt', role: 'source' } });
    expect(driver.server.uploads.map((upload) => upload.name)).toEqual(['source', 'lyrics.txt']);
  });

  it('refuses alignment when the driver has none', async () => {
    const { stemkit, requests } = setup({ capabilities: { stems: 'any' } });
    const error = await unsupported(stemkit.separate({ source: bytes, stems: ['alignment'] }));
    expect(error.capability).toBe('alignment');
    expect(requests).toEqual([]);
  });

  it('passes a URL through when the driver takes URL input', async () => {
    const starts: StartRequest[] = [];
    const driver = createMockDriver({ capabilities: { urlInput: true } });
    const spy: StemkitDriver = {
      ...driver,
      async start(request) {
        starts.push(request);
        return { handle: { contract: 1, provider: 'mock', id: 'job_remote' } };
      },
    };
    const job = await createStemkit({ driver: spy }).separate({
      source: new URL('https://cdn.test/song.mp3'),
      stems: ['vocals'],
    });
    expect(starts[0]?.source).toEqual({ url: 'https://cdn.test/song.mp3' });
    expect(job).toMatchObject({ id: 'job_remote', status: 'queued', source: undefined });
    expect(driver.server.requests).toEqual([]);
  });
});

describe('upload', () => {
  it('streams bytes to the driver in chunks, reporting progress', async () => {
    const { stemkit, driver } = setup();
    const big = sampleWav({ seconds: 19.2 }); // 300 KiB
    const progress: number[] = [];
    const asset = await stemkit.upload(big, { name: 'big.wav', onProgress: (sent) => progress.push(sent) });
    expect(asset).toMatchObject({ role: 'source', name: 'big.wav', provider: 'mock' });
    expect(driver.server.uploads[0]).toMatchObject({ size: big.byteLength });
    expect(driver.server.uploads[0]?.chunks).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(big.byteLength);
    expect(progress).toEqual([...progress].sort((left, right) => left - right));
  });

  it.each([
    ['a Blob', () => new Blob([bytes], { type: 'audio/wav' })],
    ['a File (named)', () => new File([bytes], 'named.wav')],
    ['an ArrayBuffer', () => bytes.slice().buffer],
    ['a ReadableStream', () => new Blob([bytes]).stream()],
    [
      'a named stream',
      () => ({ body: new Blob([bytes]).stream(), name: 'named.wav', size: bytes.byteLength }),
    ],
  ])('accepts %s', async (_, source) => {
    const { stemkit, driver } = setup();
    await stemkit.upload(source());
    expect(driver.server.uploads[0]?.size).toBe(bytes.byteLength);
  });

  it('fetches a URL source itself, without credentials, when the driver takes no URLs', async () => {
    const driver = createMockDriver();
    const seen: Request[] = [];
    const remote: StemkitDriver = {
      ...driver,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (new URL(request.url).host !== 'cdn.test') return driver.fetch!(input, init);
        seen.push(request);
        return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
      },
    };
    const job = await createStemkit({ driver: remote }).separate({
      source: 'https://cdn.test/music/song.wav',
      stems: ['vocals'],
    });
    expect(seen[0]?.headers.has('authorization')).toBe(false);
    expect(driver.server.uploads[0]).toMatchObject({ name: 'song.wav', size: bytes.byteLength });
    expect(job.status).toBe('queued');
  });

  it('refuses a URL source whose size is over the limit, releasing the connection', async () => {
    const driver = createMockDriver({ capabilities: { maxUploadBytes: 100 } });
    let canceled = false;
    const remote: StemkitDriver = {
      ...driver,
      fetch: async () =>
        new Response(
          new ReadableStream({
            cancel() {
              canceled = true;
            },
          }),
          {
            headers: { 'content-length': '5000' },
          },
        ),
    };
    const error = await createStemkit({ driver: remote })
      .upload('https://cdn.test/big.wav')
      .catch((caught: unknown) => caught);
    expect(UnsupportedCapabilityError.isInstance(error) && error.capability).toBe('maxUploadBytes');
    expect(canceled).toBe(true);
    expect(driver.server.requests).toEqual([]);
  });

  it('reports a failing URL source as an UploadError', async () => {
    const driver = createMockDriver();
    const failing: StemkitDriver = { ...driver, fetch: async () => new Response('gone', { status: 410 }) };
    await expect(createStemkit({ driver: failing }).upload('https://cdn.test/x.wav')).rejects.toMatchObject({
      code: 'upload',
    });
  });

  it('points file paths to @stemkit/core/node on the main entry', async () => {
    const { stemkit, requests } = setup();
    const error = await stemkit.upload('./song.wav').catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('source');
    expect((error as Error).message).toContain('@stemkit/core/node');
    expect(requests).toEqual([]);
  });

  it('stops an upload when the signal aborts, with the AbortError untouched', async () => {
    const { stemkit } = setup();
    const controller = new AbortController();
    let sent = false;
    const stalled = new ReadableStream<Uint8Array>({
      pull(stream) {
        if (sent) return new Promise<void>(() => undefined);
        sent = true;
        stream.enqueue(sampleWav({ seconds: 0.06 }));
        return undefined;
      },
    });
    setTimeout(() => controller.abort(), 20);
    const error = await stemkit
      .separate({ source: stalled, stems: ['vocals'], signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
  });

  it('takes an uploaded asset as the source of a job without uploading again', async () => {
    const { stemkit, requests } = setup();
    const asset = await stemkit.upload(bytes);
    await stemkit.separate({ source: asset, stems: ['vocals'] });
    expect(requests.map((request) => request.operation)).toEqual(['upload', 'start']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  createStemkit,
  handleToToken,
  InvalidArgumentError,
  type StemkitDriver,
  type StemkitPlugin,
  UnsupportedCapabilityError,
} from '../../src/index.ts';
import { createMockDriver, type MockDriverOptions, sampleWav } from '../support/mock.ts';

const bytes = sampleWav({ seconds: 0.05 });

async function finished(script: MockDriverOptions = {}, plugins: StemkitPlugin[] = []) {
  const driver = createMockDriver({ statuses: ['succeeded'], ...script });
  const stemkit = createStemkit({ driver, plugins });
  const job = await stemkit.get(await stemkit.separate({ source: bytes, stems: ['vocals', 'drums'] }));
  return { driver, stemkit, job };
}

const read = async (body: ReadableStream<Uint8Array>) =>
  new Uint8Array(await new Response(body).arrayBuffer());
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('download in a format the driver does not declare', () => {
  const converter: StemkitPlugin = {
    name: 'converter',
    formats: ['wav', 'm4a'],
    convert: async ({ data, to }) => ({ data: new Uint8Array([...data.subarray(0, 4), 9]), format: to }),
  };

  it('converts through a plugin, naming the asset in the new format', async () => {
    const { stemkit, job } = await finished({}, [converter]);
    const output = job.targets[0]!.outputs.find((asset) => asset.format === 'wav')!;
    const { asset, body, size } = await stemkit.download(output, { format: 'm4a' });
    expect(asset).toMatchObject({
      format: 'm4a',
      mimeType: 'audio/mp4',
      name: output.name.replace(/wav$/, 'm4a'),
    });
    expect(asset.url).toBeUndefined();
    expect(await read(body)).toEqual(new Uint8Array([...bytes.subarray(0, 4), 9]));
    expect(size).toBe(5);
  });

  it('is refused before any request without a plugin that converts, naming the formats there are', async () => {
    for (const plugins of [[], [converter]]) {
      const { stemkit, job, driver } = await finished({}, plugins);
      const requests = driver.server.requests.length;
      const error = await failure(stemkit.download(job.targets[0]!.outputs[0]!, { format: 'aiff' }));
      expect(UnsupportedCapabilityError.isInstance(error) && error.capability).toBe('format:aiff');
      expect((error as Error).message).toContain('wav, mp3, flac');
      expect(driver.server.requests.length).toBe(requests);
    }
  });
});

describe('download from a driver whose links convert nothing (convertOnDownload false)', () => {
  /** A finished job on a driver that, like AudioShake's, has only the outputs asked for at start. */
  async function withoutConversion(plugins: StemkitPlugin[] = []) {
    const mock = createMockDriver({ statuses: ['succeeded'], capabilities: { convertOnDownload: false } });
    const driver: StemkitDriver = {
      ...mock,
      async link(handle, request, options) {
        if (request.format !== undefined && request.format !== request.asset.format) {
          throw new UnsupportedCapabilityError(`format:${request.format}`, 'converts nothing on demand');
        }
        return mock.link(handle, request, options);
      },
    };
    const stemkit = createStemkit({ driver, plugins });
    const job = await stemkit.get(await stemkit.separate({ source: bytes, stems: ['vocals'] }));
    return { stemkit, job };
  }

  it("passes the provider's refusal of another declared format through without a plugin", async () => {
    const { stemkit, job } = await withoutConversion();
    const error = await failure(stemkit.download(job.targets[0]!.outputs[0]!, { format: 'mp3' }));
    expect(UnsupportedCapabilityError.isInstance(error) && error.capability).toBe('format:mp3');
  });

  it('converts through a plugin when the provider has no such output', async () => {
    const plugin: StemkitPlugin = {
      name: 'converter',
      convert: async ({ to }) => ({ data: new Uint8Array([7]), format: to }),
    };
    const { stemkit, job } = await withoutConversion([plugin]);
    const { asset, body } = await stemkit.download(job.targets[0]!.outputs[0]!, { format: 'mp3' });
    expect(asset.format).toBe('mp3');
    expect(await read(body)).toEqual(new Uint8Array([7]));
  });

  it("takes the output's own format as no conversion", async () => {
    const { stemkit, job } = await withoutConversion();
    const { asset } = await stemkit.download(job.targets[0]!.outputs[0]!, { format: 'wav' });
    expect(asset.format).toBe('wav');
  });
});

describe('usage', () => {
  it('is unsupported, before any request, on a driver without `usage`', async () => {
    const { stemkit, driver } = await finished();
    const requests = driver.server.requests.length;
    expect(stemkit.capabilities.usage).toBe(false);
    const error = await failure(stemkit.usage());
    expect(UnsupportedCapabilityError.isInstance(error) && error.capability).toBe('usage');
    expect(driver.server.requests.length).toBe(requests);
  });

  it("returns the driver's usage", async () => {
    const driver = createMockDriver();
    const report = { provider: 'mock', months: [{ month: '2026-11', targets: 2, minutes: 1.5 }], raw: {} };
    const stemkit = createStemkit({ driver: { ...driver, usage: async () => report } });
    expect(stemkit.capabilities.usage).toBe(true);
    expect(await stemkit.usage()).toEqual(report);
  });
});

describe('job references', () => {
  it('accept a job, its handle, the JSON text and the token', async () => {
    const { stemkit, job } = await finished();
    for (const reference of [job, job.handle, JSON.stringify(job.handle), handleToToken(job.handle)]) {
      expect((await stemkit.get(reference)).id).toBe(job.id);
    }
  });

  it.each([
    ['garbage text', 'not a handle'],
    ['a broken token', 'sk1.%%%'],
    ['a number', 42],
    ['a handle of another contract', { contract: 2, provider: 'mock', id: 'x' }],
  ])('reject %s as an invalid `job`', async (_, reference) => {
    const { stemkit } = await finished();
    const error = await failure(stemkit.get(reference as never));
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('job');
  });

  it("reject another provider's handle", async () => {
    const { stemkit } = await finished();
    const error = await failure(stemkit.wait({ contract: 1, provider: 'elsewhere', id: 'job_1' }));
    expect((error as Error).message).toContain('elsewhere');
  });
});

describe('mix and zip', () => {
  it('run provider-side when the driver can', async () => {
    const { stemkit, job } = await finished();
    const mixed = await stemkit.mix(job, {
      tracks: [{ stem: 'vocals', volume: 1, pan: 0 }],
      name: 'mine.wav',
    });
    expect(mixed).toMatchObject({ role: 'mix', provider: 'mock', name: 'mine.wav' });
    const zipped = await stemkit.zip(job.handle, { stems: ['vocals', 'drums'], format: 'wav' });
    expect(zipped).toMatchObject({ role: 'archive', provider: 'mock' });
  });

  it('remember the job of what they return, so it downloads without passing `job`', async () => {
    const { stemkit, job } = await finished();
    const mixed = await stemkit.mix(job, { tracks: [{ stem: 'vocals', volume: 1, pan: 0 }] });
    const zipped = await stemkit.zip(job.handle, { stems: ['vocals'], format: 'wav' });
    for (const asset of [mixed, zipped]) {
      const { body } = await stemkit.download(asset);
      expect(await read(body)).toEqual(bytes);
    }
  });

  it('are unsupported, with nothing sent, when neither the driver nor a plugin can', async () => {
    const { stemkit, job, driver } = await finished({ features: { mix: false, zip: false } });
    const before = driver.server.requests.length;
    const mixError = await failure(stemkit.mix(job, { tracks: [{ stem: 'vocals', volume: 1, pan: 0 }] }));
    expect(UnsupportedCapabilityError.isInstance(mixError) && mixError.capability).toBe('mix');
    const zipError = await failure(stemkit.zip(job, { stems: ['vocals'], format: 'wav' }));
    expect(UnsupportedCapabilityError.isInstance(zipError) && zipError.capability).toBe('zip');
    expect(driver.server.requests.length).toBe(before);
  });

  it('fall back to a plugin: the client downloads the stems and serves the result from memory', async () => {
    const calls: Array<{ stems: string[]; sizes: number[] }> = [];
    const plugin: StemkitPlugin = {
      name: 'test-audio',
      async mix({ tracks, format, name }) {
        calls.push({
          stems: tracks.map((track) => track.stem),
          sizes: tracks.map((track) => track.data.byteLength),
        });
        return { data: new Uint8Array([1, 2, 3]), format, name: `${name}.${format}` };
      },
      async zip({ files, name }) {
        return { data: new TextEncoder().encode(files.map((file) => file.name).join(',')), name };
      },
    };
    const { stemkit, job } = await finished({ features: { mix: false, zip: false } }, [plugin]);
    const mixed = await stemkit.mix(job, {
      tracks: [
        { stem: 'vocals', volume: 0.8, pan: -0.5 },
        { stem: 'drums', volume: 1, pan: 0.5 },
      ],
    });
    expect(mixed).toMatchObject({
      role: 'mix',
      provider: 'mock',
      name: 'mix.wav',
      format: 'wav',
    });
    // The same keys as a provider-side mix: the size comes with the download.
    expect(mixed.sizeBytes).toBeUndefined();
    expect(mixed.id).toMatch(/^local:/);
    expect(calls).toEqual([{ stems: ['vocals', 'drums'], sizes: [bytes.byteLength, bytes.byteLength] }]);
    const downloaded = await stemkit.download(mixed);
    expect(downloaded.size).toBe(3);
    expect(await read(downloaded.body)).toEqual(new Uint8Array([1, 2, 3]));

    const zipped = await stemkit.zip(job, { stems: ['vocals', 'drums'], format: 'wav', name: 'all.zip' });
    expect(zipped).toMatchObject({ role: 'archive', format: 'zip', name: 'all.zip' });
    const archive = await stemkit.download(zipped);
    expect(new TextDecoder().decode(await read(archive.body))).toBe('vocals.wav,drums.wav');
  });

  it('name their asset <name>.<format> and <name>.zip on the provider and the local path alike', async () => {
    const plugin: StemkitPlugin = {
      name: 'p',
      mix: async ({ format, name }) => ({ data: new Uint8Array([1]), format, name }),
      zip: async ({ name }) => ({ data: new Uint8Array([2]), name }),
    };
    const provider = await finished();
    const local = await finished({ features: { mix: false, zip: false } }, [plugin]);
    for (const { stemkit, job } of [provider, local]) {
      const names = [
        (
          await stemkit.mix(job, {
            tracks: [{ stem: 'vocals', volume: 1, pan: 0 }],
            name: 'mymix',
            format: 'mp3',
          })
        ).name,
        (await stemkit.mix(job, { tracks: [{ stem: 'vocals', volume: 1, pan: 0 }], name: 'again.wav' })).name,
        (await stemkit.zip(job, { stems: ['vocals'], format: 'wav', name: 'z' })).name,
        (await stemkit.zip(job, { stems: ['vocals'], format: 'wav' })).name,
      ];
      expect(names).toEqual(['mymix.mp3', 'again.wav', 'z.zip', 'stems.zip']);
    }
  });

  it('fall back to a plugin for a format the provider-side mix lacks', async () => {
    const plugin: StemkitPlugin = {
      name: 'p',
      formats: ['wav', 'm4a'],
      mix: async ({ format, name }) => ({ data: new Uint8Array([1]), format, name }),
    };
    const { stemkit, job, driver } = await finished({}, [plugin]);
    const mixed = await stemkit.mix(job, { tracks: [{ stem: 'vocals', volume: 1, pan: 0 }], format: 'm4a' });
    expect(mixed).toMatchObject({ name: 'mix.m4a', format: 'm4a' });
    expect(mixed.id).toMatch(/^local:/);
    const requests = driver.server.requests.length;
    const error = await failure(
      stemkit.mix(job, { tracks: [{ stem: 'vocals', volume: 1, pan: 0 }], format: 'aiff' }),
    );
    expect(UnsupportedCapabilityError.isInstance(error) && error.capability).toBe('format:aiff');
    expect(driver.server.requests.length).toBe(requests);
  });

  it('name the track whose stem the job lacks', async () => {
    const plugin: StemkitPlugin = {
      name: 'p',
      mix: async ({ format, name }) => ({ data: new Uint8Array(), format, name }),
    };
    const { stemkit, job } = await finished({ features: { mix: false } }, [plugin]);
    const error = await failure(
      stemkit.mix(job, {
        tracks: [
          { stem: 'vocals', volume: 1, pan: 0 },
          { stem: 'bass', volume: 1, pan: 0 },
        ],
      }),
    );
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('tracks.1.stem');
  });
});

describe('list, cancel and callbacks', () => {
  it('list pages through every job', async () => {
    const driver = createMockDriver();
    const stemkit = createStemkit({ driver });
    const ids = [];
    for (let index = 0; index < 5; index++)
      ids.push((await stemkit.separate({ source: bytes, stems: ['vocals'] })).id);
    const listed = [];
    for await (const job of stemkit.list({ pageSize: 2 })) listed.push(job.id);
    expect(listed).toEqual(ids);
    expect(driver.server.requests.filter((request) => request.operation === 'list')).toHaveLength(3);
  });

  it('list and cancel are unsupported when the driver lacks them', async () => {
    const stemkit = createStemkit({ driver: createMockDriver({ features: { list: false, cancel: false } }) });
    expect(() => stemkit.list()).toThrow(UnsupportedCapabilityError);
    const error = await failure(stemkit.cancel({ contract: 1, provider: 'mock', id: 'job_1' }));
    expect(UnsupportedCapabilityError.isInstance(error) && error.capability).toBe('cancel');
  });

  it('cancel stops a running job', async () => {
    const driver = createMockDriver({ statuses: ['queued', 'running'] });
    const stemkit = createStemkit({ driver });
    const job = await stemkit.separate({ source: bytes, stems: ['vocals'] });
    await stemkit.cancel(job);
    expect((await stemkit.get(job)).status).toBe('canceled');
  });

  it('callbacks.parse turns a callback request into a handle to re-fetch', async () => {
    const { stemkit, driver, job } = await finished();
    const callback = driver.server.callbackFor(job.id);
    const request = new Request('https://app.test/hooks/stemkit', {
      method: 'POST',
      headers: callback.headers,
      body: JSON.stringify(callback.body),
    });
    const hint = await stemkit.callbacks.parse(request);
    expect(hint).toEqual({ handle: job.handle, event: 'job.updated' });
    expect((await stemkit.get(hint.handle)).status).toBe('succeeded');
    expect((await stemkit.callbacks.parse(callback)).handle).toEqual(job.handle);
  });

  it('callbacks.parse rejects what is not a callback', async () => {
    const { stemkit } = await finished();
    const notJson = new Request('https://app.test/hook', { method: 'POST', body: '{oops' });
    const error = await failure(stemkit.callbacks.parse(notJson));
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('request.body');
    const other = await failure(stemkit.callbacks.parse({ headers: new Headers(), body: { hello: 1 } }));
    expect(InvalidArgumentError.isInstance(other)).toBe(true);
    const noCallbacks = createStemkit({ driver: createMockDriver({ features: { callbacks: false } }) });
    const unsupported = await failure(noCallbacks.callbacks.parse({ headers: new Headers(), body: {} }));
    expect(UnsupportedCapabilityError.isInstance(unsupported)).toBe(true);
  });
});

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStemkit, InvalidArgumentError, type StemkitDriver } from '../../src/node/index.ts';
import { createMockDriver, sampleWav } from '../support/mock.ts';

const bytes = sampleWav({ seconds: 0.2 });
let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'stemkit-core-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('@stemkit/core/node', () => {
  it('separates a file path, streaming it, and downloads to a file atomically', async () => {
    const source = join(directory, 'song.wav');
    await writeFile(source, bytes);
    const driver = createMockDriver({ statuses: ['succeeded'] });
    const stemkit = createStemkit({ driver });
    const job = await stemkit.get(await stemkit.separate({ source, stems: ['vocals'] }));
    expect(driver.server.uploads[0]).toMatchObject({ name: 'song.wav', size: bytes.byteLength });

    const target = join(directory, 'vocals.wav');
    const result = await stemkit.downloadToFile(job.targets[0]!.outputs[0]!, target);
    expect(result).toMatchObject({ path: target, size: bytes.byteLength });
    expect(new Uint8Array(await readFile(target))).toEqual(bytes);
    expect((await readdir(directory)).sort()).toEqual(['song.wav', 'vocals.wav']);
  });

  it('uploads a file of several chunks byte for byte, as a stream', async () => {
    const source = join(directory, 'long.wav');
    const long = new Uint8Array(3 * 256 * 1024 + 17).map((_, index) => index % 253);
    long.set(sampleWav({ seconds: 0 }).subarray(0, 40)); // a WAV header whose data runs to the end
    await writeFile(source, long);
    const mock = createMockDriver();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    const driver: StemkitDriver = {
      ...mock,
      async upload(request, options) {
        for await (const chunk of request.body) chunks.push(chunk as Uint8Array<ArrayBuffer>);
        return mock.upload({ ...request, body: new Blob(chunks).stream() }, options);
      },
    };
    await createStemkit({ driver }).upload(source);
    expect(chunks.length).toBeGreaterThan(3);
    expect(new Uint8Array(await new Blob(chunks).arrayBuffer())).toEqual(long);
  });

  it('leaves no partial file behind when the download fails', async () => {
    const driver = createMockDriver({ statuses: ['succeeded'] });
    const stemkit = createStemkit({ driver });
    const job = await stemkit.get(await stemkit.separate({ source: bytes, stems: ['vocals'] }));
    driver.server.fault('storage', 500);
    const target = join(directory, 'vocals.wav');
    await expect(stemkit.downloadToFile(job.targets[0]!.outputs[0]!, target)).rejects.toMatchObject({
      code: 'download',
    });
    expect(await readdir(directory)).toEqual([]);
  });

  it('keeps the previous file whole when the stream breaks halfway', async () => {
    const driver = createMockDriver({ statuses: ['succeeded'] });
    const broken: StemkitDriver = {
      ...driver,
      fetch: async (input, init) => {
        if (!String(input instanceof Request ? input.url : input).includes('storage.mock')) {
          return driver.fetch!(input, init);
        }
        let sent = false;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent) controller.error(new TypeError('terminated'));
            else controller.enqueue(bytes.subarray(0, 100));
            sent = true;
          },
        });
        return new Response(body, { headers: { 'content-length': String(bytes.byteLength) } });
      },
    };
    const stemkit = createStemkit({ driver: broken });
    const job = await stemkit.get(await stemkit.separate({ source: bytes, stems: ['vocals'] }));
    const target = join(directory, 'vocals.wav');
    await writeFile(target, 'previous take');
    await expect(stemkit.downloadToFile(job.targets[0]!.outputs[0]!, target)).rejects.toThrow();
    expect(await readFile(target, 'utf8')).toBe('previous take');
    expect(await readdir(directory)).toEqual(['vocals.wav']);
  });

  it('creates the missing folders of the path, as the README snippet needs', async () => {
    const stemkit = createStemkit({ driver: createMockDriver({ statuses: ['succeeded'] }) });
    const job = await stemkit.get(await stemkit.separate({ source: bytes, stems: ['vocals'] }));
    const target = join(directory, 'stems', 'deep', 'vocals.wav');
    await stemkit.downloadToFile(job.targets[0]!.outputs[0]!, target);
    expect(new Uint8Array(await readFile(target))).toEqual(bytes);
  });

  it('names `path` and the folder when the folder cannot be made, before downloading', async () => {
    const driver = createMockDriver({ statuses: ['succeeded'] });
    const stemkit = createStemkit({ driver });
    const job = await stemkit.get(await stemkit.separate({ source: bytes, stems: ['vocals'] }));
    await writeFile(join(directory, 'taken'), 'a file, not a folder');
    const target = join(directory, 'taken', 'vocals.wav');
    const error = await stemkit
      .downloadToFile(job.targets[0]!.outputs[0]!, target)
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('path');
    expect((error as Error).message).toContain(join(directory, 'taken'));
  });

  it('names `path` when downloadToFile is given no path', async () => {
    const stemkit = createStemkit({ driver: createMockDriver() });
    const asset = { id: 'a', name: 'a.wav', role: 'stem' as const, provider: 'mock', raw: {} };
    for (const path of ['', 42, undefined]) {
      const error = await stemkit.downloadToFile(asset, path as never).catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error) && error.field).toBe('path');
    }
  });

  it('names `source` when the path is not a file', async () => {
    const stemkit = createStemkit({ driver: createMockDriver() });
    const error = await stemkit
      .separate({ source: join(directory, 'missing.wav'), stems: ['vocals'] })
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('source');
  });
});

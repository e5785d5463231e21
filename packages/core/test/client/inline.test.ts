import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StartRequest, StemkitDriver } from '../../src/driver/index.ts';
import {
  createStemkit,
  LocalStoreFullError,
  memoryStore,
  UnsupportedCapabilityError,
} from '../../src/index.ts';
import { temporaryFileStore } from '../../src/node/index.ts';
import { sampleWav } from '../support/mock.ts';

const asset = (id: string) => ({
  id,
  name: `${id}.wav`,
  role: 'stem' as const,
  provider: 'inline',
  raw: null,
});

/** A driver whose start takes the upload stream and keeps one output in the client's store. */
function inlineDriver(seen: { uploads: number; start?: StartRequest; bytes?: number }): StemkitDriver {
  return {
    contract: 1,
    provider: 'inline',
    capabilities: {
      stems: ['vocals'],
      formats: ['wav'],
      trial: false,
      residual: false,
      transcription: false,
      alignment: false,
      callbacks: false,
      urlInput: false,
      variants: false,
      languages: false,
      uploads: 'inline',
      jobs: 'ephemeral',
    },
    async upload() {
      seen.uploads++;
      throw new Error('an inline driver is never asked to upload');
    },
    async start(request, options) {
      seen.start = request;
      if (!('upload' in request.source)) throw new Error('no inline upload');
      const data = new Uint8Array(await new Response(request.source.upload.body).arrayBuffer());
      seen.bytes = data.byteLength;
      const output = await options!.localStore!.put(asset('out'), data.slice(0, 10));
      const handle = { contract: 1 as const, provider: 'inline', id: 'job' };
      return {
        handle,
        job: {
          id: 'job',
          provider: 'inline',
          status: 'succeeded',
          targets: [
            { id: 't', stem: 'vocals', formats: ['wav'], status: 'succeeded', outputs: [output], raw: null },
          ],
          warnings: [],
          handle,
          raw: null,
        },
      };
    },
    async status() {
      throw new Error('not asked');
    },
    async link() {
      throw new Error('outputs come from the local store, never a link');
    },
  };
}

describe("uploads: 'inline'", () => {
  it('hands the upload stream to start (no upload step) and serves the outputs from the local store', async () => {
    const seen: { uploads: number; start?: StartRequest; bytes?: number } = { uploads: 0 };
    const stemkit = createStemkit({ driver: inlineDriver(seen) });
    const job = await stemkit.separate({
      source: new Blob([sampleWav()]),
      name: 'song.wav',
      stems: ['vocals'],
    });
    expect(seen.uploads).toBe(0);
    expect(seen.bytes).toBe(sampleWav().byteLength);
    expect('upload' in (seen.start?.source ?? {})).toBe(true);
    const output = job.targets[0]!.outputs[0]!;
    expect(output.sizeBytes).toBe(10);
    const { body, size } = await stemkit.download(output);
    expect(size).toBe(10);
    expect((await new Response(body).arrayBuffer()).byteLength).toBe(10);
    expect(stemkit.capabilities.uploads).toBe('inline');
    // No upload step exists: `upload()` alone is refused before the source is read.
    await expect(stemkit.upload(new Blob([sampleWav()]))).rejects.toSatisfy(
      (error) => UnsupportedCapabilityError.isInstance(error) && error.capability === 'upload',
    );
    expect(seen.uploads).toBe(0);
    expect(stemkit.capabilities.jobs).toBe('ephemeral');
  });
});

describe('local store', () => {
  it('memoryStore stays within its bound, forgetting the oldest file first', async () => {
    const store = memoryStore({ maxBytes: 100 });
    await store.put(asset('a'), new Uint8Array(60));
    await store.put(asset('b'), new Uint8Array(30));
    await store.put(asset('c'), new Uint8Array(50));
    expect(store.has('a')).toBe(false);
    expect(store.has('b')).toBe(true);
    expect((await store.open('c'))?.size).toBe(50);
  });

  it('refuses a file larger than the whole bound, streamed, without holding it', async () => {
    const store = memoryStore({ maxBytes: 100 });
    await store.put(asset('a'), new Uint8Array(60));
    const big = new Blob([new Uint8Array(80), new Uint8Array(80)]).stream();
    await expect(store.put(asset('big'), big)).rejects.toSatisfy((error) =>
      LocalStoreFullError.isInstance(error),
    );
    expect(store.has('a')).toBe(true);
  });

  it('temporaryFileStore spills files to its own folder, bounded on disk, and reads them back', async () => {
    const parent = join(tmpdir(), `stemkit-store-test-${process.pid}`);
    await import('node:fs/promises').then((fs) => fs.mkdir(parent, { recursive: true }));
    const store = temporaryFileStore({ maxBytes: 1_000, parent });
    const first = await store.put(asset('a'), new Blob([new Uint8Array(600).fill(7)]).stream());
    expect(first.sizeBytes).toBe(600);
    const reading = await store.open('a');
    await store.put(asset('b'), new Uint8Array(600));
    // The oldest went; a reader that had opened it still reads every byte.
    expect(store.has('a')).toBe(false);
    const bytes = new Uint8Array(await new Response(reading!.body).arrayBuffer());
    expect(bytes.byteLength).toBe(600);
    expect(bytes.every((byte) => byte === 7)).toBe(true);
    const [folder] = await readdir(parent);
    expect(await readdir(join(parent, folder!))).toEqual(['2.bin']);
    await expect(store.put(asset('big'), new Uint8Array(2_000))).rejects.toSatisfy((error) =>
      LocalStoreFullError.isInstance(error),
    );
    expect(await readdir(join(parent, folder!))).toEqual(['2.bin']);
  });
});

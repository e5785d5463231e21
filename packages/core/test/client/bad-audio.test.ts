import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, type StemkitDriver } from '../../src/index.ts';
import { createStemkit } from '../../src/node/index.ts';
import { createMockDriver, sampleWav } from '../support/mock.ts';

// Bad audio is refused by the client before any byte leaves, whatever form the source takes.

const zeroFrameWav = sampleWav({ seconds: 0 });
const text = new TextEncoder().encode('I am a shopping list, not a song.\n');
const bad = { 'an empty file': new Uint8Array(0), 'a zero-frame WAV': zeroFrameWav, 'a text file': text };

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'stemkit-bad-audio-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Every form a source to upload can take, from the same bytes. */
const forms: Record<string, (bytes: Uint8Array<ArrayBuffer>) => Promise<unknown>> = {
  bytes: async (bytes) => bytes,
  'an ArrayBuffer': async (bytes) => bytes.slice().buffer,
  'a Blob': async (bytes) => new Blob([bytes]),
  'a stream': async (bytes) => new Blob([bytes]).stream(),
  'a named stream of unknown size': async (bytes) => ({ body: new Blob([bytes]).stream(), name: 'x.wav' }),
  'a path': async (bytes) => {
    const path = join(directory, `${Math.random().toString(36).slice(2)}.wav`);
    await writeFile(path, bytes);
    return path;
  },
};

async function refusal(promise: Promise<unknown>): Promise<InvalidArgumentError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
  return error as InvalidArgumentError;
}

describe('bad audio', () => {
  for (const [what, bytes] of Object.entries(bad)) {
    for (const [form, make] of Object.entries(forms)) {
      it(`refuses ${what} given as ${form}, in upload and separate, with no request sent`, async () => {
        const driver = createMockDriver();
        const stemkit = createStemkit({ driver });
        const uploaded = await refusal(
          stemkit.upload((await make(bytes as Uint8Array<ArrayBuffer>)) as never),
        );
        const separated = await refusal(
          stemkit.separate({
            source: (await make(bytes as Uint8Array<ArrayBuffer>)) as never,
            stems: ['vocals'],
          }),
        );
        for (const error of [uploaded, separated]) expect(error.field).toBe('source');
        expect(uploaded.message).toBe(separated.message);
        expect(driver.server.requests).toEqual([]);
      });
    }
  }

  it('says which: empty, no frames, or not audio', async () => {
    const stemkit = createStemkit({ driver: createMockDriver() });
    expect((await refusal(stemkit.upload(new Uint8Array(0)))).message).toMatch(/empty/);
    expect((await refusal(stemkit.upload(zeroFrameWav))).message).toMatch(/WAV file that holds no audio/);
    expect((await refusal(stemkit.upload(text))).message).toMatch(/is not audio/);
  });

  it('lets go of a refused stream (cancels it)', async () => {
    let canceled = false;
    // Endless text: the sniff reads its few KiB, then the source must be let go, not drained.
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(text);
      },
      cancel() {
        canceled = true;
      },
    });
    const stemkit = createStemkit({ driver: createMockDriver() });
    await refusal(stemkit.upload(source));
    expect(canceled).toBe(true);
  });

  it('uploads a peeked stream whole: every byte, in order', async () => {
    const mock = createMockDriver();
    const received: Uint8Array[] = [];
    const driver: StemkitDriver = {
      ...mock,
      async upload(request, options) {
        for await (const chunk of request.body) received.push(chunk);
        return mock.upload(
          { ...request, body: new Blob(received as Uint8Array<ArrayBuffer>[]).stream() },
          options,
        );
      },
    };
    const song = sampleWav({ seconds: 3 }); // 48 KB: several chunks of 1000 bytes
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < song.length; offset += 1000)
          controller.enqueue(song.slice(offset, offset + 1000));
        controller.close();
      },
    });
    const asset = await createStemkit({ driver }).upload(source, { name: 'song.wav' });
    expect(asset.sizeBytes).toBe(song.length);
    expect(new Uint8Array(await new Blob(received as Uint8Array<ArrayBuffer>[]).arrayBuffer())).toEqual(song);
  });

  it('passes a URL through unsniffed', async () => {
    const driver = createMockDriver({ capabilities: { urlInput: true } });
    // The mock provider takes no URL: what counts is that the start reached it, with the URL and no upload.
    const outcome = await createStemkit({ driver })
      .separate({ source: 'https://example.com/not-even-audio.txt', stems: ['vocals'] })
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(outcome)).toBe(false);
    expect(driver.server.requests.map((request) => request.operation)).toEqual(['start']);
  });

  it('uploads a transcript told so: text is what it is', async () => {
    const driver = createMockDriver({ inspect: {} });
    const asset = await createStemkit({ driver }).upload(text, { name: 'lyrics.txt', transcript: true });
    expect(asset.sizeBytes).toBe(text.length);
    // Not inspected either: the provider's audio verdict means nothing for text.
    expect(driver.server.requests.map((request) => request.operation)).toEqual(['upload']);
  });

  it('does not sniff the transcript of a separation', async () => {
    const driver = createMockDriver({ capabilities: { alignment: true, stems: 'any' } });
    const job = await createStemkit({ driver }).separate({
      source: sampleWav({ seconds: 0.1 }),
      stems: ['alignment'],
      transcript: new TextEncoder().encode('la la la'),
    });
    expect(job.targets[0]?.stem).toBe('alignment');
  });
});

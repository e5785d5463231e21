import { AuthenticationError, createStemkit, NotFoundError, RateLimitError } from '@stemkit/core/node';
import { sampleWav } from '@stemkit/testing';
import { strToU8, zipSync } from 'fflate';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { elevenlabs, stemOfEntry } from '../src/index.ts';

const API = 'https://api.elevenlabs.test/';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const SIX = ['vocals', 'drums', 'bass', 'guitar', 'piano', 'other'];

/** The note's example answer: a ZIP of `vocals.mp3` … `other.mp3`. */
function stemsZip(names: readonly string[]): Uint8Array {
  return zipSync(Object.fromEntries(names.map((name) => [name, strToU8(`bytes of ${name}`.repeat(50))])));
}

interface Seen {
  outputFormat?: string | null;
  key?: string | null;
  variation?: FormDataEntryValue | null;
  sign?: FormDataEntryValue | null;
  fileBytes?: number;
}

function answering(names: readonly string[], seen: Seen) {
  return http.post(`${API}v1/music/stem-separation`, async ({ request }) => {
    const url = new URL(request.url);
    seen.outputFormat = url.searchParams.get('output_format');
    seen.key = request.headers.get('xi-api-key');
    const form = await request.formData();
    seen.variation = form.get('stem_variation_id');
    seen.sign = form.get('sign_with_c2pa');
    seen.fileBytes = (form.get('file') as Blob).size;
    return new HttpResponse(stemsZip(names), {
      headers: { 'content-type': 'application/zip', 'content-disposition': 'attachment; filename=stems.zip' },
    });
  });
}

const client = (options: Parameters<typeof elevenlabs>[0] = {}) =>
  createStemkit({ driver: elevenlabs({ apiKey: 'test-key', baseUrl: API, ...options }) });

describe('elevenlabs driver', () => {
  it('sends the upload inline in one multipart POST and serves the ZIP entries as outputs', async () => {
    const seen: Seen = {};
    server.use(
      answering(
        SIX.map((stem) => `${stem}.mp3`),
        seen,
      ),
    );
    const stemkit = client({ signWithC2pa: true });
    const wav = sampleWav();
    const job = await stemkit.separate({
      source: new Blob([wav]),
      name: 'song.wav',
      stems: ['vocals', 'drums'],
      formats: ['mp3'],
    });
    expect(seen).toEqual({
      outputFormat: 'mp3_44100_128',
      key: 'test-key',
      variation: 'six_stems_v1',
      sign: 'true',
      fileBytes: wav.byteLength,
    });
    expect(job.status).toBe('succeeded');
    const [vocals, archive] = job.targets[0]!.outputs;
    expect(vocals).toMatchObject({ role: 'stem', stem: 'vocals', format: 'mp3', name: 'vocals.mp3' });
    expect(archive).toMatchObject({ role: 'archive', format: 'zip', name: 'stems.zip' });
    const text = await new Response((await stemkit.download(vocals!)).body).text();
    expect(text).toBe('bytes of vocals.mp3'.repeat(50));
    const zip = new Uint8Array(await new Response((await stemkit.download(archive!)).body).arrayBuffer());
    expect(zip).toEqual(stemsZip(SIX.map((stem) => `${stem}.mp3`)));
    // `wait` returns at once: the job was finished when `separate` returned.
    expect((await stemkit.wait(job)).status).toBe('succeeded');
  });

  it('asks two_stems_v1 for instrumental and reads the note’s entry-name variants', async () => {
    const seen: Seen = {};
    server.use(answering(['vocals.pcm', 'accompaniment.pcm'], seen));
    const job = await client().separate({
      source: new Blob([sampleWav()]),
      name: 'song.wav',
      stems: ['vocals', 'instrumental'],
      formats: ['pcm_44100'],
    });
    expect(seen.variation).toBe('two_stems_v1');
    expect(seen.outputFormat).toBe('pcm_44100');
    expect(job.targets.map((target) => target.outputs[0]?.name)).toEqual(['vocals.pcm', 'accompaniment.pcm']);
    for (const name of ['background.mp3', 'instrumental.wav', 'stems/Accompaniment.opus', 'no_vocals.mp3'])
      expect(stemOfEntry(name)).toBe('instrumental');
    expect(stemOfEntry('folder/')).toBeUndefined();
  });

  it('refuses before any request what one call cannot do: stems of both variations, two output formats', async () => {
    const stemkit = client();
    await expect(
      stemkit.separate({
        source: new Blob([sampleWav()]),
        stems: ['drums', 'instrumental'],
        formats: ['mp3'],
      }),
    ).rejects.toThrow(/not drums/);
    await expect(
      stemkit.separate({
        source: new Blob([sampleWav()]),
        targets: [
          { stem: 'vocals', formats: ['mp3'] },
          { stem: 'drums', formats: ['pcm_44100'] },
        ],
      }),
    ).rejects.toThrow(/one output_format per call/);
  });

  it('maps {detail: {status, message}} errors: invalid_api_key, quota, too_many_concurrent_requests, 422', async () => {
    const stemkit = client();
    const separate = () =>
      stemkit.separate({ source: new Blob([sampleWav()]), stems: ['vocals'], formats: ['mp3'] });
    server.use(
      http.post(`${API}v1/music/stem-separation`, () =>
        HttpResponse.json(
          { detail: { status: 'invalid_api_key', message: 'Invalid API key' } },
          { status: 401 },
        ),
      ),
    );
    const refused = await separate().catch((error) => error);
    expect(AuthenticationError.isInstance(refused)).toBe(true);
    expect(refused.providerCode).toBe('invalid_api_key');
    expect(String(refused.message)).not.toContain('test-key');
    server.use(
      http.post(`${API}v1/music/stem-separation`, () =>
        HttpResponse.json({ detail: { status: 'too_many_concurrent_requests' } }, { status: 429 }),
      ),
    );
    expect(RateLimitError.isInstance(await separate().catch((error) => error))).toBe(true);
    server.use(
      http.post(`${API}v1/music/stem-separation`, () =>
        HttpResponse.json(
          { detail: [{ loc: ['body', 'file'], msg: 'field required', type: 'value_error.missing' }] },
          { status: 422 },
        ),
      ),
    );
    await expect(separate()).rejects.toThrow(/file: field required/);
    server.use(
      http.post(`${API}v1/music/stem-separation`, () =>
        HttpResponse.json(
          { detail: { status: 'quota_exceeded', message: 'You have 0 credits' } },
          { status: 401 },
        ),
      ),
    );
    await expect(separate()).rejects.toThrow(/0 credits/);
  });

  it('a handle from another process is a NotFoundError saying ElevenLabs keeps nothing, at once', async () => {
    server.use(
      answering(
        SIX.map((stem) => `${stem}.mp3`),
        {},
      ),
    );
    const job = await client().separate({
      source: new Blob([sampleWav()]),
      stems: ['vocals'],
      formats: ['mp3'],
    });
    const elsewhere = client();
    const error = await elsewhere.get(JSON.parse(JSON.stringify(job.handle))).catch((caught) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(String(error.message)).toMatch(/keeps nothing/);
    // Never a hang: `wait` does not wait out a NotFoundError of a provider that keeps no jobs.
    const started = Date.now();
    await expect(elsewhere.wait(job.handle)).rejects.toThrow(/keeps nothing/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

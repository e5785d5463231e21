import { encodeWav } from '@stemkit/audio';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.ts';

// The emulated ElevenLabs route over loopback: its documented errors, its faults and its upload bound.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 }, maxUploadBytes: 64 * 1024 });
});
afterAll(() => emulator.close());
afterEach(() => emulator.faults.clear());

function post(form: FormData, query = '', apiKey = emulator.elevenlabs.apiKey) {
  return fetch(`${emulator.elevenlabs.baseUrl}/v1/music/stem-separation${query}`, {
    method: 'POST',
    headers: { 'xi-api-key': apiKey },
    body: form,
  });
}

/** Half a second of a 440 Hz tone, as 16-bit WAV. */
function tone(): Uint8Array {
  const samples = Float32Array.from(
    { length: 4_000 },
    (_, index) => 0.5 * Math.sin((2 * Math.PI * 440 * index) / 8_000),
  );
  return encodeWav({ sampleRate: 8_000, channels: [samples] }, 16);
}

function song(fields: Record<string, string> = {}, bytes: Uint8Array = tone()) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set('file', new Blob([new Uint8Array(bytes)], { type: 'audio/wav' }), 'song.wav');
  return form;
}

describe('emulated ElevenLabs stem separation', () => {
  test('a wrong key: 401 {detail: {status: invalid_api_key}}', async () => {
    const response = await post(song(), '', 'wrong');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      detail: { status: 'invalid_api_key', message: 'Invalid API key' },
    });
  });

  test('no file part: 422 with the FastAPI validation list naming body.file', async () => {
    const form = new FormData();
    form.set('stem_variation_id', 'two_stems_v1');
    const response = await post(form);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      detail: [{ loc: ['body', 'file'], msg: 'field required' }],
    });
  });

  test('hostile field values are refused by name: output_format, stem_variation_id, sign_with_c2pa', async () => {
    const badFormat = await post(song(), `?output_format=${encodeURIComponent('../../etc/passwd')}`);
    expect(badFormat.status).toBe(422);
    expect(JSON.stringify(await badFormat.json())).toContain('output_format');
    const badVariation = await post(song({ stem_variation_id: 'x'.repeat(500) }));
    expect(badVariation.status).toBe(422);
    expect(JSON.stringify(await badVariation.json())).toContain('stem_variation_id');
    const badSign = await post(song({ sign_with_c2pa: 'maybe' }));
    expect(badSign.status).toBe(422);
  });

  test('an upload over the bound is a 413 {detail}, before any separation', async () => {
    const response = await post(song({}, new Uint8Array(200 * 1024)));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ detail: { status: 'file_too_large' } });
  });

  test('a rate-limit fault: 429 with Retry-After in the API body shape, then a real ZIP', async () => {
    emulator.faults.set({ rateLimit: [{ api: 'elevenlabs', count: 1, retryAfterSeconds: 2 }] });
    const limited = await post(song());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await limited.json()).toMatchObject({ detail: { status: 'too_many_concurrent_requests' } });
    const answered = await post(song({ stem_variation_id: 'two_stems_v1' }), '?output_format=pcm_8000');
    expect(answered.status).toBe(200);
    expect(answered.headers.get('content-type')).toBe('application/zip');
    const zip = new Uint8Array(await answered.arrayBuffer());
    // A local file header first: "PK\x03\x04".
    expect([...zip.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });
});

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDisposition } from 'content-disposition';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEmulatorHandlers, type RunningEmulator, startEmulator } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';
import { burstsWav, testSongWav } from './support/audio.ts';
import { separationResult, sourcereSession, uploadSong } from './support/clients.ts';
import { until } from './support/poll.ts';

// Regression tests of issue #26 (hostile input, round 3), emulator items, each named after its attack.

// A small limit stands in for the documented 2 GiB: the same code paths, without moving gigabytes.
const limit = 1024 ** 2;
const linkTimeoutMs = 2_000;

let emulator: RunningEmulator;
let dataDir: string;
let legacyAuth: Record<string, string>;
let tasksAuth: Record<string, string>;
const servers: Server[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stemkit-hostile-emulator-'));
  emulator = await startEmulator({
    dataDir,
    maxUploadBytes: limit,
    linkTimeoutMs,
    processing: { speed: 500 },
    tasksRateLimit: 100_000,
  });
  legacyAuth = { authorization: `Bearer ${emulator.legacy.token}` };
  tasksAuth = { 'x-api-key': emulator.tasks.apiKey };
});
afterAll(async () => {
  await emulator.close();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every file under the stored objects folder, half-written parts included. */
function storedFiles(): string[] {
  try {
    return readdirSync(join(dataDir, 'objects'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
  } catch {
    return [];
  }
}

async function listening(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A loopback server whose every answer is an endless body, written as fast as it is read (chunked, or with
 * a declared length of 5 GB): it counts the bytes it managed to send before the reader hung up.
 */
async function endlessLink(declaredLength?: number) {
  const sent = { bytes: 0, closed: 0 };
  const chunk = Buffer.alloc(64 * 1024, 0x55);
  const server = createServer((_request, response: ServerResponse) => {
    response.writeHead(200, {
      'content-type': 'audio/wav',
      ...(declaredLength === undefined ? {} : { 'content-length': String(declaredLength) }),
    });
    const pump = () => {
      while (!response.destroyed && sent.bytes < 64 * limit) {
        sent.bytes += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
    };
    response.on('close', () => {
      sent.closed += 1;
    });
    pump();
  });
  return { url: `${await listening(server)}/endless.wav`, sent };
}

/** A loopback server that answers at once, then drips 10 bytes every 50 ms for as long as it is read. */
async function drippingLink() {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'audio/wav' });
    const timer = setInterval(() => response.write(Buffer.alloc(10, 0x55)), 50);
    response.on('close', () => clearInterval(timer));
  });
  return `${await listening(server)}/drip.wav`;
}

function postJson(url: string, body: unknown, headers: Record<string, string>) {
  return fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Creates a Tasks task from a url and waits for its target to fail; returns the target's error. */
async function failedTaskTarget(body: unknown) {
  const created = await postJson(`${emulator.tasks.baseUrl}/tasks`, body, tasksAuth);
  expect(created.status).toBe(200);
  const { id } = await created.json();
  return until(async () => {
    const task = await (await fetch(`${emulator.tasks.baseUrl}/tasks/${id}`, { headers: tasksAuth })).json();
    const target = task.targets[0];
    return target.status === 'processing' ? undefined : target;
  });
}

describe('#26 ingest limits apply to every path', () => {
  test('#26 legacy /upload/link to an endless loopback stream stops at maxUploadBytes with a 413, nothing kept', async () => {
    const before = storedFiles();
    const link = await endlessLink();
    const response = await postJson(`${emulator.legacy.baseUrl}/upload/link`, { link: link.url }, legacyAuth);
    expect(response.status).toBe(413);
    expect((await response.json()).message).toContain(`${limit} bytes`);
    await until(async () => (link.sent.closed > 0 ? true : undefined));
    // What was read before the connection was dropped: the limit and the sockets' buffers, never the stream.
    expect(link.sent.bytes).toBeLessThan(16 * limit);
    console.info(
      `#26 endless link: ${link.sent.bytes} bytes sent before the emulator hung up (limit ${limit})`,
    );
    expect(storedFiles()).toEqual(before);
  });

  test('#26 legacy /upload/link to a link declaring 5 GB is refused with a 413 before its body is read', async () => {
    const before = storedFiles();
    const link = await endlessLink(5_000_000_000);
    const response = await postJson(
      `${emulator.legacy.baseUrl}/upload/audio-link`,
      { link: link.url },
      legacyAuth,
    );
    expect(response.status).toBe(413);
    await until(async () => (link.sent.closed > 0 ? true : undefined));
    expect(link.sent.bytes).toBeLessThan(16 * limit);
    expect(storedFiles()).toEqual(before);
  });

  test('#26 a Sourcere signed PUT of 5 MB with a 1 MiB limit is answered 413 EntityTooLarge, declared or streamed', async () => {
    const session = await sourcereSession(emulator);
    const before = storedFiles();
    const big = new Uint8Array(5 * 1000 * 1000).fill(0x55);
    const declared = await (await session.post('/separation/create')).json();
    const put = await fetch(declared.signedUrl, { method: 'PUT', body: big });
    expect(put.status).toBe(413);
    expect(await put.text()).toContain('<Code>EntityTooLarge</Code>');
    // Chunked, no content-length: refused as it crosses the limit; the client still reads the answer.
    const streamed = await (await session.post('/separation/create')).json();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= big.length) return controller.close();
        const part = big.subarray(pulled, pulled + 64 * 1024);
        pulled += part.length;
        controller.enqueue(part);
      },
    });
    const chunked = await fetch(streamed.signedUrl, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    await chunked.body?.cancel();
    expect(storedFiles()).toEqual(before);
    // The same slot takes a file within the limit afterwards.
    const song = await testSongWav(1, 8000, 1);
    expect((await fetch(streamed.signedUrl, { method: 'PUT', body: song })).status).toBe(200);
  });

  test('#26 a Tasks url to an endless loopback stream fails its target with 413, nothing kept', async () => {
    const before = storedFiles();
    const link = await endlessLink();
    const target = await failedTaskTarget({
      url: link.url,
      targets: [{ model: 'vocals', formats: ['wav'] }],
    });
    expect(target).toMatchObject({ status: 'error', error: { code: 413 } });
    expect(storedFiles()).toEqual(before);
  });

  test('#26 a Tasks transcriptUrl to an endless loopback stream fails its target with 413', async () => {
    const form = new FormData();
    form.append('file', new Blob([await testSongWav(1, 8000, 1)], { type: 'audio/wav' }), 'song.wav');
    const asset = await (
      await fetch(`${emulator.tasks.baseUrl}/assets`, { method: 'POST', headers: tasksAuth, body: form })
    ).json();
    const link = await endlessLink();
    const target = await failedTaskTarget({
      assetId: asset.id,
      targets: [{ model: 'alignment', formats: ['json'], transcriptUrl: link.url }],
    });
    expect(target).toMatchObject({ status: 'error', error: { code: 413 } });
  });

  test('#26 a link dripping 10 bytes every 50 ms is given up at linkTimeoutMs, not held for minutes', async () => {
    const before = storedFiles();
    const link = await drippingLink();
    const started = Date.now();
    const response = await postJson(`${emulator.legacy.baseUrl}/upload/link`, { link }, legacyAuth);
    const elapsed = Date.now() - started;
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain(`within ${linkTimeoutMs / 1000} s`);
    expect(elapsed).toBeGreaterThanOrEqual(linkTimeoutMs - 50);
    // Far below the 30 s idle timeout that the drip keeps resetting: the deadline ended it.
    expect(elapsed).toBeLessThan(linkTimeoutMs + 15_000);
    console.info(`#26 dripping link: given up after ${elapsed} ms (linkTimeoutMs ${linkTimeoutMs})`);
    expect(storedFiles()).toEqual(before);
    const target = await failedTaskTarget({ url: link, targets: [{ model: 'vocals', formats: ['wav'] }] });
    expect(target).toMatchObject({ status: 'error', error: { code: 400 } });
    expect(target.error.message).toContain(`within ${linkTimeoutMs / 1000} s`);
  });

  test('#26 the link deadline has a default, and refuses a value that is not a positive whole number', () => {
    expect(resolveOptions({}).linkTimeoutMs).toBe(300_000);
    expect(() => resolveOptions({ linkTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => resolveOptions({ linkTimeoutMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('#26 downloads of a finished separation', () => {
  let session: Awaited<ReturnType<typeof sourcereSession>>;
  let separationId: string;
  let signedUrl: string;
  beforeAll(async () => {
    session = await sourcereSession(emulator);
    const uploadId = await uploadSong(session, await testSongWav(1, 8000, 1));
    const started = await (
      await session.post('/separation/start', { uploadId, separationAlgorithm: 6 })
    ).json();
    separationId = started.separationId;
    await separationResult(session, separationId);
    signedUrl = (await download('vocals.wav', 'wav')).signedUrl;
  });

  /** The download link of a file, once it is prepared. */
  async function download(fileName: string, fileFormat: string): Promise<{ signedUrl: string }> {
    const query = new URLSearchParams({ separationId, fileName, fileFormat });
    return until(async () => {
      const response = await session.get(`/separation/download?${query}`);
      if (response.status === 202) return undefined;
      expect(response.status).toBe(200);
      return response.json();
    });
  }

  /** The name a browser would save a signed link's file as (`filename*` when there is one, else `filename`). */
  async function savedName(url: string): Promise<string> {
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    return parseDisposition(response.headers.get('content-disposition') ?? '').parameters.filename ?? '';
  }

  test('#26 a mix name with U+202E (right-to-left override) reaches Content-Disposition without it', async () => {
    for (const mixName of ['invoice\u202Eexe.wav', 'a\u2066b\u2069c\u200Fd']) {
      const mix = await (
        await session.post('/separation/mix', { separationId, tracks: [{ fileName: 'vocals' }], mixName })
      ).json();
      const { signedUrl: url } = await download(mix.mixId, 'wav');
      const disposition = (await fetch(url, { method: 'HEAD' })).headers.get('content-disposition') ?? '';
      expect(disposition).not.toMatch(/%E2%80%AE|%E2%81%A6|%E2%81%A9|%E2%80%8F/i);
      const expected = mixName.replace(/[\u202E\u2066\u2069\u200F]/g, '');
      expect(await savedName(url)).toBe(expected.endsWith('.wav') ? expected : `${expected}.wav`);
    }
  });

  test('#26 a zip named ok.zip downloads as ok.zip, not ok.zip.zip', async () => {
    for (const [zipFileName, expected] of [
      ['ok.zip', 'ok.zip'],
      ['Stems.ZIP', 'Stems.ZIP'],
      ['stems', 'stems.zip'],
    ] as const) {
      const zip = await (
        await session.post('/separation/zip', { separationId, tracks: ['vocals'], zipFileName })
      ).json();
      expect(await savedName((await download(zip.zipFilePath, 'zip')).signedUrl)).toBe(expected);
    }
    const tracks = [{ fileName: 'vocals' }];
    const mix = await (
      await session.post('/separation/mix', { separationId, tracks, mixName: 'my mix.wav' })
    ).json();
    expect(await savedName((await download(mix.mixId, 'wav')).signedUrl)).toBe('my mix.wav');
  });

  test('#26 a download resumed with Range gets 206 and exactly the bytes asked for, not the whole file', async () => {
    const whole = new Uint8Array(await (await fetch(signedUrl)).arrayBuffer());
    expect(whole.length).toBeGreaterThan(1000);
    const size = whole.length;
    for (const [range, start, end] of [
      ['bytes=0-43', 0, 43],
      ['bytes=100-', 100, size - 1],
      ['bytes=-10', size - 10, size - 1],
      [`bytes=${size - 5}-${size + 1000}`, size - 5, size - 1],
    ] as const) {
      const response = await fetch(signedUrl, { headers: { range } });
      expect(response.status, range).toBe(206);
      expect(response.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect(new Uint8Array(await response.arrayBuffer()), range).toEqual(whole.subarray(start, end + 1));
    }
    const head = await fetch(signedUrl, { method: 'HEAD', headers: { range: 'bytes=0-9' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-length')).toBe('10');
    const plain = await fetch(signedUrl);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('accept-ranges')).toBe('bytes');
    await plain.body?.cancel();
  });

  test('#26 a Range past the end is 416 with Content-Range bytes */size; a malformed one gets the whole file', async () => {
    const size = Number((await fetch(signedUrl, { method: 'HEAD' })).headers.get('content-length'));
    const past = await fetch(signedUrl, { headers: { range: `bytes=${size}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
    await past.body?.cancel();
    for (const range of ['bytes=abc', 'items=0-1']) {
      const response = await fetch(signedUrl, { headers: { range } });
      expect(response.status, range).toBe(200);
      expect((await response.arrayBuffer()).byteLength, range).toBe(size);
    }
  });
});

describe('#26 transcription and alignment JSON have AudioShake shape', () => {
  /** Uploads bytes as a Tasks asset. */
  async function asset(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<{ id: string }> {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    const response = await fetch(`${emulator.tasks.baseUrl}/assets`, {
      method: 'POST',
      headers: tasksAuth,
      body: form,
    });
    expect(response.status).toBe(200);
    return response.json();
  }

  /** Runs a one-target Tasks task and reads its JSON output. */
  async function taskDocument(body: unknown) {
    const created = await postJson(`${emulator.tasks.baseUrl}/tasks`, body, tasksAuth);
    expect(created.status).toBe(200);
    const { id } = await created.json();
    const task = await until(async () => {
      const read = await (
        await fetch(`${emulator.tasks.baseUrl}/tasks/${id}`, { headers: tasksAuth })
      ).json();
      return read.targets[0].status === 'processing' ? undefined : read;
    });
    expect(task.targets[0].status).toBe('completed');
    return (await fetch(task.targets[0].output[0].link)).json();
  }

  /**
   * What a third-party client written against AudioShake's sample (alignment-wordless.json) reads: the words
   * of every line, each with its time span.
   */
  function wordsAsAudioShakeClientsRead(document: unknown): { text: string; start: number; end: number }[] {
    const { lines } = document as { lines?: { words?: { text: string; start: number; end: number }[] }[] };
    return (lines ?? []).flatMap((line) => line.words ?? []);
  }

  function expectAudioShakeShape(document: Record<string, unknown>, language: string) {
    expect(Object.keys(document).sort()).toEqual(['lines', 'metadata', 'text']);
    expect(document.metadata).toEqual({ language });
    const lines = document.lines as { start: number; end: number; text: string; words: { text: string }[] }[];
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['end', 'start', 'text', 'words']);
      expect(line.end).toBeGreaterThan(line.start);
      // As in the sample: a line's words put together are its text, which ends the line.
      expect(line.words.map((word) => word.text).join('')).toBe(line.text);
      expect(line.text.endsWith('\n')).toBe(true);
      for (const word of line.words) expect(Object.keys(word).sort()).toEqual(['end', 'start', 'text']);
    }
  }

  test('#26 a client reading AudioShake lines/words gets every word of a Tasks transcription, not 0', async () => {
    const source = await asset(await burstsWav(3), 'bursts.wav');
    const document = await taskDocument({
      assetId: source.id,
      targets: [{ model: 'transcription', formats: ['json'], language: 'fr' }],
    });
    expectAudioShakeShape(document, 'fr');
    expect(wordsAsAudioShakeClientsRead(document).length).toBeGreaterThanOrEqual(3);
  });

  test("#26 alignment takes a transcript in AudioShake's own shape (lines, no text) and the emulator's old one", async () => {
    const source = await asset(await burstsWav(3), 'bursts.wav');
    const lines = ['hello world\n', 'bye now\n', 'the end\n'];
    const sampleShaped = {
      lines: lines.map((text, index) => ({
        start: index,
        end: index + 0.5,
        text,
        words: text.split(' ').map((word) => ({ start: index, end: index + 0.5, text: word })),
      })),
      metadata: { language: 'en' },
    };
    const oldShaped = { language: 'en', segments: lines.map((text) => ({ text: text.trim(), words: [] })) };
    for (const transcript of [sampleShaped, oldShaped]) {
      const uploaded = await asset(
        new Uint8Array(new TextEncoder().encode(JSON.stringify(transcript))),
        'lyrics.json',
      );
      const document = await taskDocument({
        assetId: source.id,
        targets: [{ model: 'alignment', formats: ['json'], transcriptAssetId: uploaded.id }],
      });
      expectAudioShakeShape(document, 'en');
      expect(document.text).toBe(lines.join(''));
      expect(wordsAsAudioShakeClientsRead(document).map((word) => word.text.trim())).toEqual([
        'hello',
        'world',
        'bye',
        'now',
        'the',
        'end',
      ]);
    }
  });
});

describe('#26 the ingest limits hold through msw too', () => {
  test('#26 a signed PUT past maxUploadBytes through the msw handlers is a 413', async () => {
    const handlers = createEmulatorHandlers({ maxUploadBytes: 1000 });
    const server = setupServer(...handlers);
    server.listen({ onUnhandledFrame: 'bypass' });
    try {
      const session = await sourcereSession(handlers);
      const slot = await (await session.post('/separation/create')).json();
      const big = await fetch(slot.signedUrl, { method: 'PUT', body: new Uint8Array(5000) });
      expect(big.status).toBe(413);
      const small = new Uint8Array(Array.from({ length: 1000 }, (_, index) => index % 256));
      expect((await fetch(slot.signedUrl, { method: 'PUT', body: small })).status).toBe(200);
    } finally {
      server.close();
      await handlers.close();
    }
  });
});

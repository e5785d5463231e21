import type { Asset } from '@stemkit/core';
import { HttpResponse, http } from 'msw';
import { describe, expect, test } from 'vitest';
import * as seed from '../fixtures/seed-000.ts';
import { createHandle } from '../helpers/handle.ts';
import { API, jsonOf, PASSWORD, STORAGE, streamOf, USERNAME, useSeedApi } from '../helpers/seed-api.ts';

// Every example response of the seed, replayed verbatim, and the neutral objects the driver makes of them.

const api = useSeedApi();
const token = seed.loginResponse.body.token as string;
const uploaded: Asset = {
  id: '5f0c5fbab669c67bbbd1e2eb',
  name: 'song.wav',
  role: 'source',
  provider: 'sourcere',
  raw: {},
};

describe('the seed fixtures', () => {
  test.each(seed.seedPayloads.map((payload) => [payload.what, payload] as const))(
    '%s parses once its listed fixes are applied',
    (_what, payload) => {
      expect(Object.keys(payload.body).length).toBeGreaterThan(0);
      for (const [from] of payload.fixes) expect(payload.seedText).toContain(from);
    },
  );
});

describe('authentication (POST /auth/)', () => {
  test('logs in with the seed request shape and sends the token verbatim, without a second "Bearer "', async () => {
    await api.driver().status(createHandle('5f0c60f3b669c67bbbd1e2ee', { stems: ['vocals'] }));

    const [login] = api.callsTo('/auth/');
    expect(await jsonOf(login)).toEqual({ username: USERNAME, password: PASSWORD });
    expect(Object.keys((await jsonOf(login)) as object)).toEqual(Object.keys(seed.loginRequest.body));
    const [progress] = api.callsTo('/separation/progress');
    expect(progress?.headers.get('authorization')).toBe(token);
    expect(progress?.headers.get('authorization')).toMatch(/^Bearer eyJ/);
  });
});

describe('upload (POST /separation/create, PUT signedUrl, GET metadata)', () => {
  test('streams the file to the signed URL with the given method, text/plain and no credential', async () => {
    const bytes = new TextEncoder().encode('RIFF....WAVEfmt fake audio bytes');
    const asset = await api.driver().upload({
      body: streamOf(bytes),
      name: 'song.wav',
      size: bytes.length,
    });

    expect(asset).toMatchObject({
      id: '5f0c5fbab669c67bbbd1e2eb',
      name: 'song.wav',
      role: 'source',
      format: 'wav',
      mimeType: 'audio/wav',
      sizeBytes: bytes.length,
      provider: 'sourcere',
      raw: { uploadId: '5f0c5fbab669c67bbbd1e2eb', expiry: '2020-07-14T13:20:58.140Z' },
    });
    const put = api.calls.find((call) => call.url.origin === STORAGE);
    expect(put?.method).toBe(seed.createResponse.body.method);
    expect(put?.url.href).toBe(seed.createResponse.body.signedUrl);
    expect(put?.headers.get('content-type')).toBe('text/plain');
    expect(put?.headers.get('authorization')).toBeNull();
    expect(await put?.body).toBe(new TextDecoder().decode(bytes));
  });

  test('inspect answers not ready on 202 with its Retry-After, then the metadata on 200', async () => {
    const driver = api.driver();

    expect(await driver.inspect(uploaded)).toEqual({ ready: false, retryAfterMs: 2000 });
    const second = await driver.inspect(uploaded);

    expect(second).toEqual({
      ready: true,
      asset: expect.objectContaining({
        id: uploaded.id,
        durationSeconds: 33.827868,
        channels: 2,
        sampleRate: 44100,
      }),
    });
    const [metadata] = api.callsTo('/separation/metadata');
    expect(metadata?.url.searchParams.get('uploadId')).toBe('5f0c5fbab669c67bbbd1e2eb');
  });
});

describe('start (POST /separation/start and /separation/trial)', () => {
  test('vocals + instrumental send the seed start body with algorithm 6', async () => {
    const result = await api.driver().start({
      source: { asset: uploaded },
      targets: [
        { stem: 'vocals', formats: ['wav'] },
        { stem: 'instrumental', formats: ['wav'] },
      ],
      metadata: 'bless the rains',
      callbackUrl: 'example-url.com',
    });

    expect(await jsonOf(api.callsTo('/separation/start')[0])).toEqual(seed.startRequest.body);
    expect(result.handle).toMatchObject({
      contract: 1,
      provider: 'sourcere',
      id: '5f0c60f3b669c67bbbd1e2ee',
      data: { stems: ['vocals', 'instrumental'], formats: ['wav'], customMetadata: 'bless the rains' },
    });
    expect(result.job).toMatchObject({
      id: '5f0c60f3b669c67bbbd1e2ee',
      status: 'queued',
      metadata: 'bless the rains',
    });
    expect(result.job?.targets.map((target) => target.stem)).toEqual(['vocals', 'instrumental']);
  });

  test('a trial sends the seed trial body to the trial endpoint', async () => {
    const result = await api.driver().start({
      source: { asset: uploaded },
      targets: [{ stem: 'vocals', formats: ['wav'] }],
      trial: { start: 10.2, seconds: 50.6 },
      metadata: 'bless the rains',
      callbackUrl: 'example-url.com',
    });

    expect(await jsonOf(api.callsTo('/separation/trial')[0])).toEqual(seed.trialRequest.body);
    expect(api.callsTo('/separation/start')).toHaveLength(0);
    expect(result.handle.data).toMatchObject({ trial: { start: 10.2, seconds: 50.6 } });
  });
});

describe('progress (GET /separation/progress)', () => {
  const handle = createHandle('5f0c60f3b669c67bbbd1e2ee', {
    stems: ['vocals', 'instrumental'],
    formats: ['wav', 'mp3'],
    trial: {},
  });
  // The seed's events date from 2020: without this, the driver would rightly call them stalled.
  const driver = () => api.driver({ stallTimeoutMs: Number.POSITIVE_INFINITY });

  test('the seed log during separation is a running job at stage Processing, every event kept', async () => {
    api.server.use(http.get(`${API}/separation/progress`, () => HttpResponse.json(seed.progressDuring.body)));

    const { job } = await driver().status(handle);

    expect(api.callsTo('/separation/progress')[0]?.url.searchParams.get('separationId')).toBe(handle.id);
    expect(job.status).toBe('running');
    expect(job.progress?.stage).toBe('Processing');
    expect(job.progress?.events).toHaveLength(9);
    expect(job.progress?.events[0]).toEqual({
      name: 'Formatting Request File',
      at: '2020-07-21T14:50:57.396Z',
      message: 'Formatting requestData into wav',
    });
    // Processing is step 9 of the trial's 10 documented events, plus the outputs' arrival.
    expect(job.progress?.fraction).toBeCloseTo(9 / 11);
    expect(job.targets.map((target) => [target.stem, target.status, target.outputs.length])).toEqual([
      ['vocals', 'running', 0],
      ['instrumental', 'running', 0],
    ]);
    expect(job.raw).toEqual(seed.progressDuring.body);
  });

  test('the finished seed log is a succeeded job whose outputs carry neutral stem names', async () => {
    const { job } = await driver().status(handle);

    expect(job.status).toBe('succeeded');
    expect(job.progress).toMatchObject({ stage: 'Finalising', fraction: 1 });
    expect(job.updatedAt).toBe('2020-07-21T14:52:06.007Z');
    const instrumental = job.targets.find((target) => target.stem === 'instrumental');
    expect(instrumental?.outputs).toEqual([
      expect.objectContaining({
        id: '5f0c60f3b669c67bbbd1e2ee/track.wav',
        name: 'instrumental.wav',
        stem: 'instrumental',
        format: 'wav',
      }),
      expect.objectContaining({
        id: '5f0c60f3b669c67bbbd1e2ee/track.mp3',
        name: 'instrumental.mp3',
        format: 'mp3',
        mimeType: 'audio/mpeg',
      }),
    ]);
    expect(job.targets.find((target) => target.stem === 'vocals')?.outputs[0]).toMatchObject({
      id: '5f0c60f3b669c67bbbd1e2ee/vocals.wav',
      role: 'stem',
      provider: 'sourcere',
    });
  });

  test('only the stems asked for are returned', async () => {
    const { job } = await driver().status(createHandle(handle.id, { stems: ['vocals'], formats: ['wav'] }));

    expect(job.targets.map((target) => target.stem)).toEqual(['vocals']);
    expect(job.targets[0]?.outputs.map((asset) => asset.id)).toEqual(['5f0c60f3b669c67bbbd1e2ee/vocals.wav']);
  });
});

describe('download (GET /separation/download)', () => {
  const handle = createHandle('5f0c60f3b669c67bbbd1e2ee', { stems: ['vocals'], formats: ['wav'] });
  const vocals: Asset = {
    id: '5f0c60f3b669c67bbbd1e2ee/vocals.wav',
    name: 'vocals.wav',
    role: 'stem',
    format: 'wav',
    provider: 'sourcere',
    raw: {},
  };

  test('asks for the file name without extension and returns the signed link with its UTC expiry', async () => {
    const link = await api.driver().link(handle, { asset: vocals });

    const query = api.callsTo('/separation/download')[0]?.url.searchParams;
    expect(Object.fromEntries(query ?? [])).toEqual({
      separationId: handle.id,
      fileName: 'vocals',
      fileFormat: 'wav',
    });
    expect(link).toEqual({
      ready: true,
      url: seed.downloadResponse.body.signedUrl,
      expiresAt: '2020-07-09T15:27:32.723Z',
      method: 'GET',
    });
  });

  test.each(['mp3', 'm4a', 'wav', 'flac'])('converts on the fly to %s', async (format) => {
    await api.driver().link(handle, { asset: vocals, format });

    expect(api.callsTo('/separation/download')[0]?.url.searchParams.get('fileFormat')).toBe(format);
  });

  test('202 is a not-ready answer with the server hint', async () => {
    api.server.use(
      http.get(
        `${API}/separation/download`,
        () => new HttpResponse(null, { status: 202, headers: { 'retry-after': '3' } }),
      ),
    );

    expect(await api.driver().link(handle, { asset: vocals })).toEqual({ ready: false, retryAfterMs: 3000 });
  });
});

describe('mix and zip (POST /separation/mix, /separation/zip)', () => {
  test('a mix sends the seed mix body and downloads through the seed example URL', async () => {
    const handle = createHandle('5f15c73bb31d945f389583af', {
      stems: ['vocals', 'instrumental'],
      formats: ['wav'],
    });
    const driver = api.driver();

    const mix = await driver.mix(handle, {
      tracks: [
        { stem: 'instrumental', volume: 0.61, pan: -1 },
        { stem: 'vocals', volume: 0.9, pan: 1 },
      ],
      name: 'my mix',
      format: 'mp3',
    });

    expect(await jsonOf(api.callsTo('/separation/mix')[0])).toEqual(seed.mixRequest.body);
    expect(mix).toMatchObject({
      id: '5f15c73bb31d945f389583af/mix/mix_a3beaff9-17f2-4eb7-81bb-87d4737214eb',
      name: 'my mix.mp3',
      role: 'mix',
      format: 'mp3',
      mimeType: 'audio/mpeg',
    });
    // The seed's prose download example names another mix id; the request shape is the point.
    await driver.link(handle, {
      asset: { ...mix, id: '5f15c73bb31d945f389583af/mix/mix_2b47faa9-4b11-49c6-b646-595ce039062b' },
    });
    expect(api.callsTo('/separation/download')[0]?.url.href).toBe(seed.mixDownloadUrl);
  });

  test('a zip sends the seed zip body and downloads through the seed example URL with fileFormat=zip', async () => {
    const handle = createHandle('5f212898dbe5b2724453e8c2', { stems: ['vocals', 'drums', 'bass', 'other'] });
    const driver = api.driver();

    const zip = await driver.zip(handle, {
      stems: ['bass', 'other', 'drums', 'vocals'],
      format: 'mp3',
      name: 'myzipfile',
    });

    expect(await jsonOf(api.callsTo('/separation/zip')[0])).toEqual(seed.zipRequest.body);
    expect(zip).toMatchObject({
      id: '5f212898dbe5b2724453e8c2/zip/525a7195-9cca-4de0-9da0-65fec2d0798b.zip',
      name: 'myzipfile.zip',
      role: 'archive',
      format: 'zip',
      mimeType: 'application/zip',
    });
    // The seed's prose download example names another separation; the request shape is the point.
    const other = createHandle('5f15c73bb31d945f389583af', {});
    await driver.link(other, { asset: { ...zip, id: zip.id.replace(handle.id, other.id) } });
    expect(api.callsTo('/separation/download')[0]?.url.href).toBe(seed.zipDownloadUrl);
  });
});

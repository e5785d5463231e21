import { AuthenticationError, createStemkit, InvalidResponseError, NotFoundError } from '@stemkit/core';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { type AudioShakeLegacyOptions, audioshakeLegacy, legacyUsageOf } from '../../src/index.ts';
import { fixture } from '../helpers/fixtures.ts';
import { LEGACY_ORIGIN, streamOf, useMockServer } from '../helpers/msw.ts';

const server = useMockServer();
const TOKEN = 'legacy-secret-token-123';

function driver(options: AudioShakeLegacyOptions = {}) {
  return audioshakeLegacy({
    token: TOKEN,
    baseUrl: LEGACY_ORIGIN,
    retryLimit: 1,
    ...options,
  });
}

const sourceAsset = {
  id: 'clyxaywtp00ne0jpi4nf435dv',
  name: 'song.mp3',
  role: 'source',
  format: 'mp3',
  provider: 'audioshake-legacy',
  raw: {},
} as const;

/** A legacy API in memory: records job requests and answers GET /job/:id from `jobs`. */
function fakeJobs() {
  const requests: Array<Record<string, unknown>> = [];
  const jobs = new Map<string, Record<string, unknown>>();
  server.use(
    http.post(`${LEGACY_ORIGIN}/job`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      requests.push(body);
      const id = `job${requests.length}`;
      const job = { id, metadata: body.metadata, status: 'created', callbackUrl: body.callbackUrl };
      jobs.set(id, job);
      return HttpResponse.json({ job });
    }),
    http.get(`${LEGACY_ORIGIN}/job/:id`, ({ params }) => {
      const job = jobs.get(String(params.id));
      return job
        ? HttpResponse.json({ job })
        : HttpResponse.json({ message: 'Job not found' }, { status: 404 });
    }),
  );
  return { requests, jobs };
}

function complete(job: Record<string, unknown>) {
  const metadata = job.metadata as { name: string; format: string };
  Object.assign(job, {
    status: 'completed',
    outputAssets: [
      {
        id: `${job.id}-out`,
        name: `${metadata.name}.${metadata.format}`,
        format: metadata.format,
        fileType: 'audio/wav',
        link: `https://storage.test/${job.id}.${metadata.format}`,
      },
    ],
  });
}

describe('audioshakeLegacy upload', () => {
  it('streams the file as multipart `file` with the Bearer token and keeps name, format, fileType, link', async () => {
    let seen: { authorization: string | null; contentType: string | null; text: string } | undefined;
    server.use(
      http.post(`${LEGACY_ORIGIN}/upload`, async ({ request }) => {
        seen = {
          authorization: request.headers.get('authorization'),
          contentType: request.headers.get('content-type'),
          text: await request.text(),
        };
        return HttpResponse.json(fixture('spec/legacy-upload-response.json'));
      }),
    );
    const asset = await driver().upload({
      body: streamOf(new TextEncoder().encode('ID3-fake-mp3-bytes')),
      name: 'song.mp3',
    });
    expect(seen?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen?.text).toContain('name="file"; filename="song.mp3"');
    expect(seen?.text).toContain('Content-Type: audio/mpeg');
    expect(seen?.text).toContain('ID3-fake-mp3-bytes');
    expect(asset).toMatchObject({
      id: 'clyxaywtp00ne0jpi4nf435dv',
      name: 'song',
      format: 'mp3',
      mimeType: 'audio/mpeg',
      url: 'https://...',
      provider: 'audioshake-legacy',
    });
  });

  it('reports a refused token as an AuthenticationError without the token in the message', async () => {
    server.use(
      http.post(`${LEGACY_ORIGIN}/upload`, () =>
        HttpResponse.json({ message: `bad token ${TOKEN}` }, { status: 401 }),
      ),
    );
    const error = await driver()
      .upload({ body: streamOf(new Uint8Array([1, 2, 3])), name: 'a.wav' })
      .catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });
});

describe('audioshakeLegacy start: fan-out', () => {
  it('creates one legacy job per target behind one handle that any process can resume', async () => {
    const api = fakeJobs();
    const result = await driver().start({
      source: { asset: sourceAsset },
      targets: [
        { stem: 'vocals', formats: ['wav'] },
        { stem: 'drums', formats: ['wav'], residual: true },
        { stem: 'accompaniment', formats: ['mp3'], variant: 'high_quality' },
      ],
      callbackUrl: 'https://app.test/hooks/audioshake',
      metadata: 'order-42',
    });
    expect(api.requests).toEqual([
      {
        assetId: sourceAsset.id,
        metadata: { name: 'vocals', format: 'wav', customProperty: 'order-42' },
        callbackUrl: 'https://app.test/hooks/audioshake',
      },
      {
        assetId: sourceAsset.id,
        metadata: { name: 'drums', format: 'wav', residual: true, customProperty: 'order-42' },
        callbackUrl: 'https://app.test/hooks/audioshake',
      },
      {
        assetId: sourceAsset.id,
        metadata: {
          name: 'instrumental',
          format: 'mp3',
          variant: 'high_quality',
          customProperty: 'order-42',
        },
        callbackUrl: 'https://app.test/hooks/audioshake',
      },
    ]);
    expect(result.handle).toEqual({
      contract: 1,
      provider: 'audioshake-legacy',
      id: 'job1',
      parts: ['job1', 'job2', 'job3'],
      data: {
        // What the job's sourceAsset does not say about the upload, kept for job.source.
        source: { id: 'clyxaywtp00ne0jpi4nf435dv', name: 'song.mp3', format: 'mp3' },
        targets: [
          { stem: 'vocals', formats: ['wav'], jobs: ['job1'] },
          { stem: 'drums', formats: ['wav'], jobs: ['job2'] },
          { stem: 'accompaniment', formats: ['mp3'], jobs: ['job3'] },
        ],
      },
    });
    expect(result.job?.status).toBe('queued');
    expect(result.job?.targets.map((target) => target.stem)).toEqual(['vocals', 'drums', 'accompaniment']);

    for (const job of api.jobs.values()) complete(job);
    const resumed = JSON.parse(JSON.stringify(result.handle));
    const { job } = await driver().status(resumed);
    expect(job.status).toBe('succeeded');
    expect(job.metadata).toBe('order-42');
    expect(job.targets.map((target) => [target.stem, target.outputs.map((output) => output.name)])).toEqual([
      ['vocals', ['vocals.wav']],
      ['drums', ['drums.wav']],
      ['accompaniment', ['instrumental.mp3']],
    ]);
  });

  it('creates one job per audio format and one `all` job for several text formats', async () => {
    const api = fakeJobs();
    const { handle, job } = await driver().start({
      source: { asset: sourceAsset },
      targets: [
        { stem: 'vocals', formats: ['wav', 'mp3'] },
        { stem: 'transcription', formats: ['json', 'srt'], language: 'en' },
      ],
    });
    expect(api.requests.map((request) => request.metadata)).toEqual([
      { name: 'vocals', format: 'wav' },
      { name: 'vocals', format: 'mp3' },
      { name: 'transcription', format: 'all', language: 'en' },
    ]);
    expect(handle.parts).toEqual(['job1', 'job2', 'job3']);
    expect(job?.targets.map((target) => [target.id, target.formats])).toEqual([
      ['job1', ['wav', 'mp3']],
      ['job3', ['json', 'srt']],
    ]);
  });

  it('uploads a URL source and a URL transcript with /upload/link, then sends the transcript as otherSourceAssets', async () => {
    const links: unknown[] = [];
    server.use(
      http.post(`${LEGACY_ORIGIN}/upload/link`, async ({ request }) => {
        const body = (await request.json()) as { link: string; name: string };
        links.push(body);
        const isText = body.link.endsWith('.txt');
        return HttpResponse.json({
          id: isText ? 'transcript-asset-1' : 'audio-asset-1',
          name: body.name,
          format: isText ? 'txt' : 'mp3',
          fileType: isText ? 'text/plain' : 'audio/mpeg',
        });
      }),
    );
    const api = fakeJobs();
    await driver().start({
      source: { url: 'https://media.test/songs/track.mp3' },
      targets: [
        {
          stem: 'alignment',
          formats: ['json'],
          language: 'en',
          transcript: { url: 'https://media.test/lyrics.txt' },
        },
      ],
    });
    expect(links).toEqual([
      { link: 'https://media.test/songs/track.mp3', name: 'track.mp3' },
      { link: 'https://media.test/lyrics.txt', name: 'lyrics.txt' },
    ]);
    expect(api.requests).toEqual([
      {
        assetId: 'audio-asset-1',
        metadata: { name: 'alignment', format: 'json', language: 'en' },
        otherSourceAssets: [{ id: 'transcript-asset-1', type: 'transcription' }],
      },
    ]);
  });

  it('passes providerOptions into each job metadata and warns that priority is ignored', async () => {
    const api = fakeJobs();
    const { warnings } = await driver().start({
      source: { asset: sourceAsset },
      targets: [{ stem: 'vocals', formats: ['wav'] }],
      priority: 'high',
      providerOptions: { maxTrackLength: 60 },
    });
    expect(api.requests[0]?.metadata).toEqual({ maxTrackLength: 60, name: 'vocals', format: 'wav' });
    expect(warnings).toEqual([expect.objectContaining({ code: 'option-ignored', field: 'priority' })]);
  });

  it('refuses an asset of another provider, and (through the client) a trial, before sending anything', async () => {
    await expect(
      driver().start({
        source: { asset: { ...sourceAsset, provider: 'sourcere' } },
        targets: [{ stem: 'vocals', formats: ['wav'] }],
      }),
    ).rejects.toMatchObject({ code: 'invalid-argument', field: 'source' });
    // No handler answers: any request would fail the test.
    await expect(
      createStemkit({ driver: driver() }).separate({
        source: { url: 'https://media.test/song.mp3' },
        stems: ['vocals'],
        trial: { seconds: 30 },
      }),
    ).rejects.toMatchObject({ code: 'unsupported', capability: 'trial' });
  });

  it('on a creation failure after others succeeded, keeps the created jobs and fails the rest', async () => {
    const api = fakeJobs();
    let calls = 0;
    server.use(
      http.post(`${LEGACY_ORIGIN}/job`, async ({ request }) => {
        calls += 1;
        if (calls === 2) return HttpResponse.json({ message: 'model unavailable' }, { status: 422 });
        const body = (await request.json()) as Record<string, unknown>;
        const job = { id: `created${calls}`, metadata: body.metadata, status: 'created' };
        api.jobs.set(job.id, job);
        return HttpResponse.json({ job });
      }),
    );
    const result = await driver().start({
      source: { asset: sourceAsset },
      targets: [
        { stem: 'vocals', formats: ['wav'] },
        { stem: 'drums', formats: ['wav'] },
        { stem: 'bass', formats: ['wav'] },
      ],
    });
    expect(calls).toBe(2);
    expect(result.handle.parts).toEqual(['created1']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'partial-creation',
        message: expect.stringContaining('1 of 3 legacy jobs'),
      }),
    ]);
    expect(result.job?.targets.map((target) => [target.stem, target.status])).toEqual([
      ['vocals', 'queued'],
      ['drums', 'failed'],
      ['bass', 'failed'],
    ]);
    expect(result.job?.targets[1]?.error?.message).toContain('model unavailable');

    complete(api.jobs.get('created1') as Record<string, unknown>);
    const { job } = await driver().status(result.handle);
    expect(job.status).toBe('partial');
  });

  it('throws when the very first creation fails: nothing to resume', async () => {
    server.use(
      http.post(`${LEGACY_ORIGIN}/job`, () => HttpResponse.json({ message: 'bad asset' }, { status: 400 })),
    );
    await expect(
      driver().start({ source: { asset: sourceAsset }, targets: [{ stem: 'vocals', formats: ['wav'] }] }),
    ).rejects.toMatchObject({ code: 'provider', status: 400 });
  });
});

describe('audioshakeLegacy status', () => {
  const handle = {
    contract: 1 as const,
    provider: 'audioshake-legacy',
    id: 'jobA',
    parts: ['jobA', 'jobB'],
    data: {
      targets: [
        { stem: 'vocals', formats: ['wav'], jobs: ['jobA'] },
        { stem: 'drums', formats: ['wav'], jobs: ['jobB'] },
      ],
    },
  };

  /** Answers each job's first `GET /job/:id` with a 404, as the legacy API may right after creating it. */
  function visibleFromSecondRead() {
    const reads = new Map<string, number>();
    server.use(
      http.get(`${LEGACY_ORIGIN}/job/:id`, ({ params }) => {
        const id = String(params.id);
        reads.set(id, (reads.get(id) ?? 0) + 1);
        if (reads.get(id) === 1) return HttpResponse.json({ message: 'Job not found' }, { status: 404 });
        return HttpResponse.json({
          job: { id, status: 'completed', metadata: { name: 'vocals', format: 'wav' } },
        });
      }),
    );
    return reads;
  }

  it('answers a job not visible yet with NotFoundError: `wait` owns the early-404 race', async () => {
    visibleFromSecondRead();
    await expect(
      driver().status({ contract: 1, provider: 'audioshake-legacy', id: 'jobA', parts: ['jobA'] }),
    ).rejects.toMatchObject({ code: 'not-found' });

    const reads = visibleFromSecondRead();
    const stemkit = createStemkit({ driver: driver(), wait: { initialDelayMs: 1, maxDelayMs: 5 } });
    await expect(stemkit.wait(handle)).resolves.toMatchObject({ status: 'succeeded' });
    expect([...reads.values()]).toEqual([2, 2]);
  });

  it('lets `wait` give up on a job that stays unknown', async () => {
    server.use(http.get(`${LEGACY_ORIGIN}/job/:id`, () => HttpResponse.json({}, { status: 404 })));
    const stemkit = createStemkit({ driver: driver(), wait: { initialDelayMs: 1, maxDelayMs: 5 } });
    const error = await stemkit.wait(handle).catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
  });

  it('refuses handle data it did not write', async () => {
    await expect(
      driver().status({ contract: 1, provider: 'audioshake-legacy', id: 'x', data: { targets: 'nope' } }),
    ).rejects.toMatchObject({ code: 'invalid-argument', field: 'handle.data.targets' });
  });

  it('reports a 404 for a handle without creation time as NotFoundError', async () => {
    server.use(http.get(`${LEGACY_ORIGIN}/job/:id`, () => HttpResponse.json({}, { status: 404 })));
    await expect(
      driver().status({ contract: 1, provider: 'audioshake-legacy', id: 'gone', parts: ['gone'] }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it('maps a failed job (undocumented `failed`/`error`) with statusInfo as the target error', async () => {
    server.use(
      http.get(`${LEGACY_ORIGIN}/job/jobA`, () =>
        HttpResponse.json({
          job: {
            id: 'jobA',
            status: 'error',
            statusInfo: { code: 3, message: 'Unsupported audio' },
            metadata: { name: 'vocals', format: 'wav' },
          },
        }),
      ),
      http.get(`${LEGACY_ORIGIN}/job/jobB`, () =>
        HttpResponse.json({
          job: { id: 'jobB', status: 'failed', statusInfo: { code: 3, message: 'Unsupported audio' } },
        }),
      ),
    );
    const { job } = await driver().status(handle);
    expect(job.status).toBe('failed');
    expect(job.targets.map((target) => target.error)).toEqual([
      { code: 3, message: 'Unsupported audio' },
      { code: 3, message: 'Unsupported audio' },
    ]);
  });

  it('rebuilds a handle with parts only, one target per job, from the job payloads', async () => {
    server.use(
      http.get(`${LEGACY_ORIGIN}/job/:id`, () =>
        HttpResponse.json(fixture('seed-003/completed-separation-job.json')),
      ),
    );
    const { job } = await driver().status({
      contract: 1,
      provider: 'audioshake-legacy',
      id: 'clksrfob8000bf7of6xkscy8m',
      parts: ['clksrfob8000bf7of6xkscy8m'],
    });
    expect(job.targets.map((target) => [target.stem, target.outputs[0]?.name])).toEqual([
      ['instrumental', 'instrumental.wav'],
    ]);
  });

  it('reports a payload that breaks even the lenient schema as InvalidResponseError', async () => {
    server.use(http.get(`${LEGACY_ORIGIN}/job/:id`, () => HttpResponse.json({ job: { id: 42 } })));
    const error = await driver()
      .status({ contract: 1, provider: 'audioshake-legacy', id: 'x', parts: ['x'] })
      .catch((caught: unknown) => caught);
    expect(InvalidResponseError.isInstance(error)).toBe(true);
  });

  it('refuses a handle of another provider', async () => {
    await expect(
      driver().status({ contract: 1, provider: 'audioshake-tasks', id: 'x' }),
    ).rejects.toMatchObject({
      code: 'invalid-argument',
      field: 'handle.provider',
    });
  });
});

describe('audioshakeLegacy replays every example payload', () => {
  const single = (id: string) => ({ contract: 1 as const, provider: 'audioshake-legacy', id, parts: [id] });

  it.each([
    ['seed-003/created-job.json', 'queued', 'alignment', []],
    ['seed-003/completed-separation-job.json', 'succeeded', 'instrumental', ['instrumental.wav']],
    ['seed-003/completed-transcription-job.json', 'succeeded', 'alignment', ['transcription.json']],
    ['spec/legacy-created-job.json', 'queued', 'alignment', []],
    ['spec/legacy-completed-separation-job.json', 'succeeded', 'instrumental', ['instrumental.wav']],
  ])('GET /job/:id answering %s', async (path, status, stem, outputs) => {
    server.use(http.get(`${LEGACY_ORIGIN}/job/:id`, () => HttpResponse.json(fixture(path))));
    const { job } = await driver().status(single('clksrfob8000bf7of6xkscy8m'));
    expect(job.status).toBe(status);
    expect(job.targets.map((target) => [target.stem, target.outputs.map((output) => output.name)])).toEqual([
      [stem, outputs],
    ]);
  });

  it('POST /job answering the created job of seed 003 and the spec', async () => {
    for (const path of ['seed-003/created-job.json', 'spec/legacy-created-job.json']) {
      server.use(http.post(`${LEGACY_ORIGIN}/job`, () => HttpResponse.json(fixture(path))));
      const { handle, job } = await driver().start({
        source: { asset: sourceAsset },
        targets: [{ stem: 'alignment', formats: ['json'] }],
      });
      expect(handle.parts).toEqual(['clksrfob8000bf7of6xkscy8m']);
      expect(job?.targets[0]).toMatchObject({ stem: 'alignment', status: 'queued', formats: ['json'] });
    }
  });

  it('POST /upload/link answering the seed 003 asset', async () => {
    server.use(
      http.post(`${LEGACY_ORIGIN}/upload/link`, () => HttpResponse.json(fixture('seed-003/asset.json'))),
    );
    const jobs = fakeJobs();
    await driver().start({
      source: { url: 'https://media.test/audioshake-it-up.mp3' },
      targets: [{ stem: 'vocals', formats: ['wav'] }],
    });
    expect(jobs.requests[0]?.assetId).toBe('clyxaywtp00ne0jpi4nf435dv');
  });
});

describe('audioshakeLegacy link, usage and callbacks', () => {
  it('re-fetches the job for a fresh link to an output', async () => {
    let version = 0;
    server.use(
      http.get(`${LEGACY_ORIGIN}/job/:id`, () => {
        version += 1;
        const job = fixture('spec/legacy-completed-separation-job.json').job as Record<string, unknown>;
        (job.outputAssets as Array<Record<string, unknown>>)[0]!.link =
          `https://storage.test/instrumental.wav?v=${version}`;
        return HttpResponse.json({ job });
      }),
    );
    const legacy = driver();
    const handle = {
      contract: 1 as const,
      provider: 'audioshake-legacy',
      id: 'clksrfob8000bf7of6xkscy8m',
      parts: ['clksrfob8000bf7of6xkscy8m'],
    };
    const { job } = await legacy.status(handle);
    const asset = job.targets[0]!.outputs[0]!;
    await expect(legacy.link(handle, { asset })).resolves.toEqual({
      ready: true,
      url: 'https://storage.test/instrumental.wav?v=2',
    });
    await expect(legacy.link(handle, { asset, format: 'mp3' })).rejects.toMatchObject({
      code: 'unsupported',
    });
  });

  it('reads POST /usage', async () => {
    server.use(
      http.post(`${LEGACY_ORIGIN}/usage`, () =>
        HttpResponse.json({
          clientId: 'c1',
          usage: [{ month: '2026-01', totalJobs: 12, totalMinutes: 30.5 }],
        }),
      ),
    );
    const usage = await driver().usage();
    expect(usage).toMatchObject({
      provider: 'audioshake-legacy',
      months: [{ month: '2026-01', targets: 12, minutes: 30.5 }],
    });
    expect(legacyUsageOf(usage)).toEqual({
      clientId: 'c1',
      usage: [{ month: '2026-01', totalJobs: 12, totalMinutes: 30.5 }],
    });
  });

  it('parses a callback wrapped in {job} or bare into a handle to re-fetch', () => {
    const legacy = driver();
    const wrapped = legacy.parseCallback?.({
      headers: new Headers(),
      body: fixture('seed-003/completed-separation-job.json'),
    });
    const bare = legacy.parseCallback?.({
      headers: new Headers(),
      body: fixture('seed-003/created-job.json').job,
    });
    const expected = {
      contract: 1,
      provider: 'audioshake-legacy',
      id: 'clksrfob8000bf7of6xkscy8m',
      parts: ['clksrfob8000bf7of6xkscy8m'],
    };
    expect(wrapped).toEqual({ handle: expected, event: 'completed', claimedStatus: 'succeeded' });
    expect(bare).toEqual({ handle: expected, event: 'created', claimedStatus: 'queued' });
    expect(() => legacy.parseCallback?.({ headers: new Headers(), body: { hello: 'world' } })).toThrow(
      expect.objectContaining({ code: 'invalid-response' }),
    );
  });

  it('needs a token, from the options or AUDIOSHAKE_TOKEN', () => {
    const saved = process.env.AUDIOSHAKE_TOKEN;
    delete process.env.AUDIOSHAKE_TOKEN;
    try {
      expect(() => audioshakeLegacy({ baseUrl: LEGACY_ORIGIN })).toThrow(
        expect.objectContaining({ field: 'token' }),
      );
      process.env.AUDIOSHAKE_TOKEN = 'from-environment';
      expect(audioshakeLegacy({ baseUrl: LEGACY_ORIGIN }).provider).toBe('audioshake-legacy');
    } finally {
      if (saved === undefined) delete process.env.AUDIOSHAKE_TOKEN;
      else process.env.AUDIOSHAKE_TOKEN = saved;
    }
  });
});

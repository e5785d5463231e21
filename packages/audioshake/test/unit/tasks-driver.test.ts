import { createStemkit, RateLimitError } from '@stemkit/core';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { type AudioShakeTasksOptions, audioshakeTasks } from '../../src/index.ts';
import { fixture } from '../helpers/fixtures.ts';
import { streamOf, TASKS_ORIGIN, useMockServer } from '../helpers/msw.ts';

const server = useMockServer();
const API_KEY = 'tasks-secret-key-456';
const NOW = Date.parse('2026-01-15T10:00:00.000Z');

function driver(options: AudioShakeTasksOptions = {}) {
  return audioshakeTasks({
    apiKey: API_KEY,
    baseUrl: TASKS_ORIGIN,
    retryLimit: 2,
    now: () => NOW,
    ...options,
  });
}

const tasksAsset = {
  id: 'cmkd41zsb019001pvdcdg13ec',
  name: 'test.mp3',
  role: 'source',
  format: 'mp3',
  provider: 'audioshake-tasks',
  raw: {},
} as const;

/** Records `POST /tasks` bodies and answers with the task the spec's create endpoint returns. */
function recordTaskCreation() {
  const bodies: Array<Record<string, unknown>> = [];
  server.use(
    http.post(`${TASKS_ORIGIN}/tasks`, async ({ request }) => {
      const body = (await request.json()) as { targets: Array<Record<string, unknown>> } & Record<
        string,
        unknown
      >;
      bodies.push(body);
      return HttpResponse.json({
        id: 'task1',
        createdAt: '2026-01-15T10:00:00.000Z',
        clientId: 'client1',
        ...(body.url ? { url: body.url } : { assetId: body.assetId }),
        targets: body.targets.map((target, index) => ({
          id: `target${index}`,
          ...target,
          status: 'processing',
          output: [],
        })),
      });
    }),
  );
  return bodies;
}

describe('audioshakeTasks upload', () => {
  it('streams the file to POST /assets with x-api-key; the asset expires after 72 h', async () => {
    let seen: { key: string | null; contentType: string | null; text: string } | undefined;
    server.use(
      http.post(`${TASKS_ORIGIN}/assets`, async ({ request }) => {
        seen = {
          key: request.headers.get('x-api-key'),
          contentType: request.headers.get('content-type'),
          text: await request.text(),
        };
        return HttpResponse.json(fixture('spec/tasks-asset.json'));
      }),
    );
    const asset = await driver().upload({
      body: streamOf(new TextEncoder().encode('RIFF-wave')),
      name: 'test.wav',
    });
    expect(seen?.key).toBe(API_KEY);
    expect(seen?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen?.text).toContain('name="file"; filename="test.wav"');
    expect(seen?.text).toContain('RIFF-wave');
    expect(asset).toMatchObject({
      id: 'cmkd41zsb019001pvdcdg13ec',
      name: 'test.mp3',
      expiresAt: '2026-01-18T10:00:00.000Z',
    });
  });
});

describe('audioshakeTasks start', () => {
  it('sends a URL source directly, with every target option, and returns the task as a running job', async () => {
    const bodies = recordTaskCreation();
    const result = await driver().start({
      source: { url: 'https://demos.audioshake.ai/demo-assets/shakeitup.mp3' },
      targets: [
        { stem: 'vocals', formats: ['mp3'], variant: 'high_quality' },
        { stem: 'drums', formats: ['mp3'], residual: true },
      ],
    });
    expect(bodies).toEqual([fixture('spec/tasks-request-url.json')]);
    expect(result.handle).toEqual({ contract: 1, provider: 'audioshake-tasks', id: 'task1' });
    expect(result.job?.status).toBe('running');
    expect(result.job?.targets.map((target) => [target.id, target.stem, target.status])).toEqual([
      ['target0', 'vocals', 'running'],
      ['target1', 'drums', 'running'],
    ]);
  });

  it('sends an uploaded asset as assetId, and the spec example of three targets', async () => {
    const bodies = recordTaskCreation();
    await driver().start({
      source: { asset: { ...tasksAsset, id: 'your_asset_id' } },
      targets: [
        { stem: 'vocals', formats: ['wav'] },
        { stem: 'instrumental', formats: ['wav'] },
        { stem: 'transcription', formats: ['json'] },
      ],
    });
    expect(bodies).toEqual([fixture('spec/tasks-request-asset.json')]);
  });

  it('sends an alignment transcript as transcriptUrl or transcriptAssetId, with the language', async () => {
    const bodies = recordTaskCreation();
    await driver().start({
      source: { asset: { ...tasksAsset, id: 'your_asset_id' } },
      targets: [
        { stem: 'alignment', formats: ['json'], transcript: { url: 'https://example.com/lyrics.txt' } },
      ],
    });
    await driver().start({
      source: { asset: tasksAsset },
      targets: [
        {
          stem: 'alignment',
          formats: ['json', 'srt'],
          language: 'en',
          transcript: { asset: { ...tasksAsset, id: 'lyrics1' } },
        },
      ],
      metadata: '{"order":42}',
    });
    expect(bodies[0]).toEqual(fixture('spec/tasks-request-alignment.json'));
    expect(bodies[1]).toEqual({
      assetId: tasksAsset.id,
      targets: [
        { model: 'alignment', formats: ['json', 'srt'], language: 'en', transcriptAssetId: 'lyrics1' },
      ],
      metadata: '{"order":42}',
    });
  });

  it('warns that priority and a per-job callbackUrl are ignored (webhooks are per account), sending neither', async () => {
    const bodies = recordTaskCreation();
    const { warnings } = await driver().start({
      source: { asset: tasksAsset },
      targets: [{ stem: 'vocals', formats: ['wav'] }],
      priority: 'high',
    });
    expect(warnings?.map((warning) => warning.field)).toEqual(['priority']);
    // As docs/migration.md says: an app moving from the legacy API keeps its callbackUrl and gets a warning.
    const job = await createStemkit({ driver: driver() }).separate({
      source: { url: 'https://example.com/song.mp3' },
      stems: ['vocals'],
      callbackUrl: 'https://app.test/hook',
    });
    expect(job.warnings).toEqual([
      expect.objectContaining({
        code: 'option-ignored',
        field: 'callbackUrl',
        message: expect.stringMatching(/per account/),
      }),
    ]);
    expect(bodies).toHaveLength(2);
    expect(JSON.stringify(bodies[1])).not.toContain('app.test');
  });

  it('refuses (through the client) more targets than a task takes, and assets of another provider', async () => {
    const bodies = recordTaskCreation();
    const stems = Array.from({ length: 11 }, (_, index) => `model${index}`);
    await expect(
      createStemkit({ driver: driver() }).separate({
        source: { url: 'https://example.com/song.mp3' },
        stems,
      }),
    ).rejects.toMatchObject({ code: 'unsupported', capability: 'maxTargets' });
    await expect(
      createStemkit({ driver: driver({ maxTargets: 20 }) }).separate({
        source: { url: 'https://example.com/song.mp3' },
        stems,
      }),
    ).resolves.toMatchObject({ targets: expect.any(Array) });
    expect(bodies).toHaveLength(1);
    await expect(
      driver().start({
        source: { asset: { ...tasksAsset, provider: 'audioshake-legacy' } },
        targets: [{ stem: 'vocals', formats: ['wav'] }],
      }),
    ).rejects.toMatchObject({ field: 'source' });
  });

  it('retries POST /tasks on 429 after Retry-After, but never on 500 (it is not idempotent)', async () => {
    let calls = 0;
    server.use(
      http.post(`${TASKS_ORIGIN}/tasks`, () => {
        calls += 1;
        if (calls === 1)
          return HttpResponse.json(
            { message: 'Too Many Requests' },
            { status: 429, headers: { 'retry-after': '0' } },
          );
        return HttpResponse.json(fixture('spec/tasks-real-response.json'));
      }),
    );
    const { job } = await driver().start({
      source: { asset: tasksAsset },
      targets: [{ stem: 'vocals', formats: ['mp3'] }],
    });
    expect(calls).toBe(2);
    expect(job?.status).toBe('succeeded');

    calls = 0;
    server.use(
      http.post(`${TASKS_ORIGIN}/tasks`, () => {
        calls += 1;
        return HttpResponse.json({ message: 'boom' }, { status: 500 });
      }),
    );
    await expect(
      driver().start({ source: { asset: tasksAsset }, targets: [{ stem: 'vocals', formats: ['mp3'] }] }),
    ).rejects.toMatchObject({ code: 'provider', status: 500 });
    expect(calls).toBe(1);
  });
});

describe('audioshakeTasks status and link', () => {
  const handle = { contract: 1 as const, provider: 'audioshake-tasks', id: 'cmiytpb2y0004pfu6gbd73q22' };

  it('backs off on 429 for GET /tasks/:id and surfaces RateLimitError once retries run out', async () => {
    let calls = 0;
    server.use(
      http.get(`${TASKS_ORIGIN}/tasks/:id`, () => {
        calls += 1;
        return calls <= 2
          ? HttpResponse.json({ message: 'slow down' }, { status: 429, headers: { 'retry-after': '0' } })
          : HttpResponse.json(fixture('spec/tasks-real-response.json'));
      }),
    );
    await expect(driver().status(handle)).resolves.toMatchObject({ job: { status: 'succeeded' } });
    expect(calls).toBe(3);

    server.use(
      http.get(`${TASKS_ORIGIN}/tasks/:id`, () =>
        HttpResponse.json({ message: 'slow down' }, { status: 429, headers: { 'retry-after': '0' } }),
      ),
    );
    const error = await driver({ retryLimit: 0 })
      .status(handle)
      .catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
  });

  it('refreshes an expired output link by re-fetching the task', async () => {
    let version = 0;
    server.use(
      http.get(`${TASKS_ORIGIN}/tasks/:id`, () => {
        version += 1;
        const task = fixture('spec/tasks-real-response.json');
        const [target] = task.targets as Array<{ output: Array<{ link: string }> }>;
        target!.output[0]!.link = `https://cdn.test/vocals_high_quality.mp3?Expires=${version}`;
        return HttpResponse.json(task);
      }),
    );
    const tasks = driver();
    const { job } = await tasks.status(handle);
    const asset = job.targets[0]!.outputs[0]!;
    await expect(tasks.link(handle, { asset })).resolves.toEqual({
      ready: true,
      url: 'https://cdn.test/vocals_high_quality.mp3?Expires=2',
      expiresAt: '2026-01-15T11:00:00.000Z',
    });
    await expect(tasks.link(handle, { asset, format: 'wav' })).rejects.toMatchObject({ code: 'unsupported' });
  });

  it.each([
    ['spec/tasks-real-response.json', 'succeeded', [['vocals', ['vocals_high_quality.mp3']]]],
    [
      'spec/tasks-webhook-example.json',
      'running',
      [
        ['bass', ['bass.wav']],
        ['drums', []],
      ],
    ],
  ])('replays GET /tasks/:id answering %s', async (path, status, targets) => {
    server.use(http.get(`${TASKS_ORIGIN}/tasks/:id`, () => HttpResponse.json(fixture(path))));
    const { job } = await driver().status(handle);
    expect(job.status).toBe(status);
    expect(job.targets.map((target) => [target.stem, target.outputs.map((output) => output.name)])).toEqual(
      targets,
    );
  });

  it('reports an unknown task as NotFoundError', async () => {
    server.use(
      http.get(`${TASKS_ORIGIN}/tasks/:id`, () =>
        HttpResponse.json({ message: 'Task not found' }, { status: 404 }),
      ),
    );
    await expect(driver().status({ ...handle, id: 'missing' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('audioshakeTasks list, usage and webhooks', () => {
  it('pages GET /tasks with skip/take, the cursor being the skip, ending on a short page', async () => {
    const all = Array.from({ length: 5 }, (_, index) => ({ id: `task${index}`, targets: [] }));
    const seen: string[] = [];
    server.use(
      http.get(`${TASKS_ORIGIN}/tasks`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url.search);
        const skip = Number(url.searchParams.get('skip'));
        const take = Number(url.searchParams.get('take'));
        return HttpResponse.json(all.slice(skip, skip + take));
      }),
    );
    const tasks = driver();
    const first = await tasks.list({ pageSize: 2 });
    const second = await tasks.list({ pageSize: 2, cursor: first.nextCursor });
    const third = await tasks.list({ pageSize: 2, cursor: second.nextCursor });
    expect([first, second, third].map((page) => [page.jobs.map((job) => job.id), page.nextCursor])).toEqual([
      [['task0', 'task1'], '2'],
      [['task2', 'task3'], '4'],
      [['task4'], undefined],
    ]);
    expect(seen).toEqual(['?skip=0&take=2', '?skip=2&take=2', '?skip=4&take=2']);
    await expect(tasks.list({ pageSize: 2, cursor: 'abc' })).rejects.toMatchObject({ field: 'cursor' });
  });

  it('reads usage statistics with totalMinutes as a number', async () => {
    server.use(
      http.get(`${TASKS_ORIGIN}/tasks/statistics`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('name')).toBe('usage');
        return HttpResponse.json([
          { month: '2025-12', totalTargets: 3, totalMinutes: '12.50' },
          { month: '2026-01', totalTargets: 1, totalMinutes: '0.16' },
        ]);
      }),
    );
    await expect(driver().usage()).resolves.toEqual({
      provider: 'audioshake-tasks',
      months: [
        { month: '2025-12', targets: 3, minutes: 12.5 },
        { month: '2026-01', targets: 1, minutes: 0.16 },
      ],
      raw: [
        { month: '2025-12', totalTargets: 3, totalMinutes: 12.5 },
        { month: '2026-01', totalTargets: 1, totalMinutes: 0.16 },
      ],
    });
  });

  it('parses a webhook into the task handle, and declares account-level callbacks', () => {
    const tasks = driver();
    expect(tasks.capabilities).toMatchObject({ callbacks: 'account', maxTargets: 10, urlInput: true });
    expect(
      tasks.parseCallback?.({ headers: new Headers(), body: fixture('spec/tasks-webhook-example.json') }),
    ).toEqual({
      handle: { contract: 1, provider: 'audioshake-tasks', id: 'cmwebhookexample0000000001' },
      event: 'running',
      claimedStatus: 'running',
    });
  });

  it('needs an API key, from the options or AUDIOSHAKE_API_KEY, and reads AUDIOSHAKE_BASE_URL', () => {
    const saved = { key: process.env.AUDIOSHAKE_API_KEY, base: process.env.AUDIOSHAKE_BASE_URL };
    delete process.env.AUDIOSHAKE_API_KEY;
    try {
      expect(() => audioshakeTasks()).toThrow(expect.objectContaining({ field: 'apiKey' }));
      process.env.AUDIOSHAKE_API_KEY = 'from-environment';
      process.env.AUDIOSHAKE_BASE_URL = TASKS_ORIGIN;
      expect(audioshakeTasks().provider).toBe('audioshake-tasks');
    } finally {
      for (const [name, value] of [
        ['AUDIOSHAKE_API_KEY', saved.key],
        ['AUDIOSHAKE_BASE_URL', saved.base],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

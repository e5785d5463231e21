import { createStemkit, InvalidArgumentError, ProviderError } from '@stemkit/core';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planTasks } from '../../src/catalog.ts';
import { IdempotencyKeyUsedError, lalal, lalalTasksOf } from '../../src/index.ts';

// Unit tests over msw, answering with the provider note's own example payloads (§3).

const API = 'https://www.lalal.ai/api/v1/';
const KEY = 'test-license-key';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const SOURCE_ID = '3f0c2a1e-8d4b-4e6a-9b1f-2c7d5e9a0b11';
const UPLOAD = { id: SOURCE_ID, name: 'song.mp3', size: 7340032, duration: 215, expires: 1765200000 };
const TASK = '2b7c0000-0000-4000-8000-0000000000a1';
const SUCCESS = {
  status: 'success',
  source_id: SOURCE_ID,
  presets: { task_type: 'split', label: 'enhanced', stem: 'vocals', splitter: 'perseus' },
  result: {
    duration: 16,
    tracks: [
      { type: 'stem', label: 'vocals', url: `http://d.lalal.ai/${TASK}/ab12cd34/vocals` },
      { type: 'back', label: 'no_vocals', url: `http://d.lalal.ai/${TASK}/ab12cd34/no_vocals` },
    ],
  },
};

const driver = () => lalal({ licenseKey: KEY, retryLimit: 1 });
const mp3 = new Uint8Array([0xff, 0xfb, 0x90, 0x64, ...new Array(400).fill(0)]);

describe('the LALAL.AI driver over msw', () => {
  it('uploads the raw body with a UTF-8 name in Content-Disposition; the answer fills the asset', async () => {
    const seen: Array<{ disposition: string | null; key: string | null; bytes: number }> = [];
    server.use(
      http.post(`${API}upload/`, async ({ request }) => {
        seen.push({
          disposition: request.headers.get('content-disposition'),
          key: request.headers.get('x-license-key'),
          bytes: (await request.arrayBuffer()).byteLength,
        });
        return HttpResponse.json({ ...UPLOAD, name: 'Björk – Jóga.mp3' });
      }),
    );
    const asset = await driver().upload({
      body: new Blob([mp3]).stream(),
      name: 'Björk – Jóga.mp3',
    });
    expect(seen[0]?.key).toBe(KEY);
    expect(seen[0]?.bytes).toBe(mp3.byteLength);
    expect(seen[0]?.disposition).toContain("filename*=UTF-8''Bj%C3%B6rk%20%E2%80%93%20J%C3%B3ga.mp3");
    expect(asset).toMatchObject({
      id: SOURCE_ID,
      role: 'source',
      sizeBytes: 7340032,
      durationSeconds: 215,
      expiresAt: new Date(1765200000 * 1000).toISOString(),
      format: 'mp3',
    });
  });

  it('plans the fewest tasks: several stems in one multistem task, instrumental as the vocals back track', () => {
    const wav = (stem: string, extra = {}) => ({ stem, formats: ['wav'], ...extra });
    expect(planTasks([wav('vocals'), wav('drums'), wav('piano')]).tasks).toEqual([
      { endpoint: 'multistem', presets: { encoder_format: 'wav', stem_list: ['vocals', 'drum', 'piano'] } },
    ]);
    const withInstrumental = planTasks([wav('vocals'), wav('instrumental'), wav('bass'), wav('drums')]);
    expect(withInstrumental.tasks.map((task) => task.endpoint)).toEqual(['stem_separator', 'multistem']);
    expect(withInstrumental.placements.slice(0, 2)).toEqual([
      { task: 0, label: 'vocals', residualLabel: 'no_vocals' },
      { task: 0, label: 'no_vocals', residualLabel: 'vocals' },
    ]);
    const special = planTasks([wav('music'), wav('voice'), wav('wind', { variant: 'phoenix' })]);
    expect(special.tasks).toEqual([
      { endpoint: 'demuser', presets: { encoder_format: 'wav', stem: 'music' } },
      { endpoint: 'voice_clean', presets: { encoder_format: 'wav', stem: 'voice' } },
      { endpoint: 'stem_separator', presets: { splitter: 'phoenix', encoder_format: 'wav', stem: 'wind' } },
    ]);
  });

  it('starts each task with an idempotency_key derived from the caller key, the same in any process', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    server.use(
      http.post(`${API}split/stem_separator/`, async ({ request }) => {
        bodies.push((await request.json()) as Record<string, unknown>);
        return HttpResponse.json({ task_id: TASK });
      }),
    );
    const source = {
      asset: { id: SOURCE_ID, name: 'song.mp3', role: 'source' as const, provider: 'lalal', raw: null },
    };
    const request = {
      source,
      targets: [{ stem: 'vocals', formats: ['mp3'], residual: true, variant: 'perseus' }],
      idempotencyKey: 'track-7',
    };
    const first = await driver().start(request);
    await lalal({ licenseKey: KEY }).start(request);
    expect(first.handle.parts).toEqual([TASK]);
    expect(bodies[0]).toMatchObject({
      source_id: SOURCE_ID,
      presets: { stem: 'vocals', splitter: 'perseus', encoder_format: 'mp3' },
    });
    expect(bodies[0]?.idempotency_key).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(bodies[1]?.idempotency_key).toBe(bodies[0]?.idempotency_key);
  });

  it('reads many jobs with one /check/ and maps the note example (success, progress, error, server_error)', async () => {
    const checks: string[][] = [];
    const ids = ['t-success', 't-progress', 't-error', 't-server'];
    server.use(
      http.post(`${API}check/`, async ({ request }) => {
        checks.push(((await request.json()) as { task_ids: string[] }).task_ids);
        return HttpResponse.json({
          result: {
            't-success': SUCCESS,
            't-progress': {
              status: 'progress',
              source_id: SOURCE_ID,
              presets: { task_type: 'split' },
              progress: 42,
            },
            't-error': {
              status: 'error',
              source_id: SOURCE_ID,
              presets: { task_type: 'split' },
              error: { code: 'inference_error', detail: 'no vocals detected', id: 'e1' },
            },
            't-server': {
              status: 'server_error',
              error: "['file not uploaded properly or already deleted']",
            },
          },
        });
      }),
    );
    const handles = ids.map((id) => ({
      contract: 1 as const,
      provider: 'lalal',
      id,
      parts: [id],
      data: {
        targets: [{ stem: 'vocals', format: 'wav', task: 0, label: 'vocals', residualLabel: 'no_vocals' }],
      },
    }));
    const results = await driver().statusMany(handles);
    expect(checks).toEqual([ids]);
    expect(results.map((result) => result.job.status)).toEqual(['succeeded', 'running', 'failed', 'failed']);
    expect(results[0]?.job.targets[0]?.outputs.map((output) => [output.role, output.url])).toEqual([
      ['stem', `http://d.lalal.ai/${TASK}/ab12cd34/vocals`],
      ['residual', `http://d.lalal.ai/${TASK}/ab12cd34/no_vocals`],
    ]);
    expect(results[1]?.job.progress?.fraction).toBeCloseTo(0.42);
    expect(results[2]?.job.targets[0]?.error).toEqual({
      code: 'inference_error',
      message: 'no vocals detected',
    });
    expect(results[3]?.job.targets[0]?.error?.message).toContain('not uploaded properly');
    expect(Object.keys(lalalTasksOf(results[0]!.job) ?? {})).toEqual(['t-success']);
  });

  it('maps a 422 validation list to an InvalidArgumentError naming the neutral field', async () => {
    server.use(
      http.post(`${API}split/multistem/`, () =>
        HttpResponse.json(
          {
            detail: [
              {
                loc: ['body', 'split_input', 'presets', 'stem_list', 0],
                msg: 'Input should be vocals',
                type: 'enum',
              },
            ],
          },
          { status: 422 },
        ),
      ),
    );
    const source = {
      asset: { id: SOURCE_ID, name: 'a.mp3', role: 'source' as const, provider: 'lalal', raw: null },
    };
    const error = await driver()
      .start({
        source,
        targets: [
          { stem: 'vocals', formats: ['wav'] },
          { stem: 'drums', formats: ['wav'] },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('targets');
    expect(String(error)).toContain('Input should be vocals');
  });

  it('maps a {detail, code} 400 to a ProviderError carrying the code, and max_duration to one naming source', async () => {
    let answer = { detail: 'Idempotency key has already been used.', code: 'idempotency_key_used' };
    server.use(http.post(`${API}split/stem_separator/`, () => HttpResponse.json(answer, { status: 400 })));
    const source = {
      asset: { id: SOURCE_ID, name: 'a.mp3', role: 'source' as const, provider: 'lalal', raw: null },
    };
    const request = { source, targets: [{ stem: 'vocals', formats: ['wav'] }] };
    const used = await driver()
      .start(request)
      .catch((caught: unknown) => caught);
    expect(ProviderError.isInstance(used) && [used.status, used.providerCode]).toEqual([
      400,
      'idempotency_key_used',
    ]);
    expect(String(used)).toContain('Idempotency key has already been used.');
    // Unlike other 400s, this one says a task exists: batch must not withdraw its intent.
    expect(IdempotencyKeyUsedError.isInstance(used) && used.createdNothing).toBe(false);
    answer = { detail: 'File is too long for your plan', code: 'max_duration' };
    const long = await driver()
      .start(request)
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(long) && long.field).toBe('source');
  });

  it('reports minutes left as a quota, cancels a job and deletes a source', async () => {
    const calls: Array<[string, unknown]> = [];
    const record = (path: string, answer: object) =>
      http.post(`${API}${path}`, async ({ request }) => {
        calls.push([path, await request.text().then((text) => (text ? JSON.parse(text) : undefined))]);
        return HttpResponse.json(answer);
      });
    server.use(
      record('limits/minutes_left/', { minutes_left: 1234.5 }),
      record('cancel/', { result: { [TASK]: { status: 'success' } } }),
      record('cancel/all/', { result: { [TASK]: { status: 'success' } } }),
      record('delete/', {}),
    );
    const stemkit = createStemkit({ driver: driver() });
    expect(await stemkit.usage()).toEqual({
      provider: 'lalal',
      months: [],
      quota: { minutesLeft: 1234.5 },
      raw: { minutes_left: 1234.5 },
    });
    const handle = {
      contract: 1 as const,
      provider: 'lalal',
      id: TASK,
      parts: [TASK],
      data: { targets: [] },
    };
    await stemkit.cancel(handle);
    expect(await driver().cancelAll()).toEqual([TASK]);
    await stemkit.deleteSource({
      id: SOURCE_ID,
      name: 'song.mp3',
      role: 'source',
      provider: 'lalal',
      raw: null,
    });
    expect(calls).toEqual([
      ['limits/minutes_left/', undefined],
      ['cancel/', { task_ids: [TASK] }],
      ['cancel/all/', undefined],
      ['delete/', { source_id: SOURCE_ID }],
    ]);
  });

  it('refuses two formats for one target and an unknown splitter before any request', () => {
    const lalalDriver = driver();
    expect(() => lalalDriver.validate({ targets: [{ stem: 'vocals', formats: ['wav', 'mp3'] }] })).toThrow(
      /targets\.0\.formats/,
    );
    expect(() =>
      lalalDriver.validate({ targets: [{ stem: 'vocals', formats: ['wav'], variant: 'zeus' }] }),
    ).toThrow(/targets\.0\.variant/);
    expect(() =>
      lalalDriver.validate({ targets: [{ stem: 'wind', formats: ['wav'], variant: 'perseus' }] }),
    ).toThrow(/does not separate wind/);
  });

  it('reads the licence key from LALAL_LICENSE_KEY and declares the check budget, configurable', () => {
    expect(lalal.settings.licenseKey.env).toBe('LALAL_LICENSE_KEY');
    expect(lalal({ licenseKey: KEY }).capabilities.batchedStatus).toEqual({
      maxJobs: 20,
      requestsPerMinute: 30,
    });
    expect(
      lalal({ licenseKey: KEY, checksPerMinute: 12 }).capabilities.batchedStatus?.requestsPerMinute,
    ).toBe(12);
  });
});

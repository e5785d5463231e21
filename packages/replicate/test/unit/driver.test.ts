import { createStemkit } from '@stemkit/core';
import {
  InvalidArgumentError,
  NotFoundError,
  RateLimitError,
  redact,
  signStandardWebhook,
} from '@stemkit/core/driver';
import { sampleWav } from '@stemkit/testing';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { resetHintSeconds } from '../../src/api.ts';
import {
  DEMUCS_VERSIONS,
  type ReplicateDriverOptions,
  replicate,
  replicatePredictionOf,
} from '../../src/index.ts';
import { API, streamOf, useMockServer } from '../helpers/msw.ts';

const server = useMockServer();
const TOKEN = 'r8_unit-test-token-0123456789';
const SECRET = 'whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH';
const NOW = Date.parse('2026-03-01T10:00:30.000Z');

function driver(options: ReplicateDriverOptions = {}) {
  return replicate({ apiToken: TOKEN, baseUrl: API, retryLimit: 1, now: () => NOW, ...options });
}

// The note's example payloads (§3.1, §3.4, §3.7), verbatim where it gives them.
const created = {
  id: 'gm3qorzdhgbfurvjtvhg6dckhu',
  model: 'cjwbw/demucs',
  version: '25a173108cff36ef9f80f854c162d01df9e6528be175794b81158fa03836d953',
  input: {
    audio: 'https://api.replicate.com/v1/files/cneqzikepnug6xezperrr4z55o',
    model_name: 'htdemucs_6s',
    output_format: 'wav',
  },
  output: null,
  logs: '',
  error: null,
  status: 'starting',
  source: 'api',
  data_removed: false,
  created_at: '2026-03-01T10:00:00.000000Z',
  webhook: 'https://example.com/hooks/replicate',
  webhook_events_filter: ['start', 'completed'],
  urls: {
    get: 'https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu',
    cancel: 'https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel',
    web: 'https://replicate.com/p/gm3qorzdhgbfurvjtvhg6dckhu',
  },
};
const finished = {
  id: 'gm3qorzdhgbfurvjtvhg6dckhu',
  model: 'ryan5453/demucs',
  version: '5a7041cc9b82e5a558fea6b3d7b12dea89625e89da33f0447bd727c2d0ab9e77',
  status: 'succeeded',
  input: { audio: 'https://replicate.delivery/pbxt/abc/song.mp3', model: 'htdemucs', output_format: 'mp3' },
  output: {
    bass: 'https://replicate.delivery/yhqm/x/bass.mp3',
    drums: 'https://replicate.delivery/yhqm/x/drums.mp3',
    other: 'https://replicate.delivery/yhqm/x/other.mp3',
    vocals: 'https://replicate.delivery/yhqm/x/vocals.mp3',
  },
  error: null,
  logs: '…\n 76%|███████▌  | 35/46 [00:05<00:01, 6.8it/s]\n…',
  metrics: { predict_time: 21.4, total_time: 22.9 },
  source: 'api',
  data_removed: false,
  created_at: '2026-03-01T10:00:00.000Z',
  started_at: '2026-03-01T10:00:01.500Z',
  completed_at: '2026-03-01T10:00:22.900Z',
  urls: {
    get: `${API}/predictions/gm3q`,
    cancel: `${API}/predictions/gm3q/cancel`,
    web: 'https://replicate.com/p/gm3q',
  },
};
const file = {
  id: 'cneqzikepnug6xezperrr4z55o',
  content_type: 'audio/mpeg',
  size: 5242880,
  checksums: { sha256: 'f047f8e7' },
  metadata: {},
  created_at: '2024-02-21T12:54:18.578761Z',
  expires_at: '2024-02-21T13:54:18.578761Z',
  urls: { get: 'https://api.replicate.com/v1/files/cneqzikepnug6xezperrr4z55o' },
};

function recordCreates(answer: object = { ...created, model: 'ryan5453/demucs' }) {
  const creates: Array<{ body: Record<string, unknown>; headers: Headers }> = [];
  server.use(
    http.post(`${API}/predictions`, async ({ request }) => {
      creates.push({ body: (await request.json()) as Record<string, unknown>, headers: request.headers });
      return HttpResponse.json(answer, { status: 201 });
    }),
  );
  return creates;
}

describe('the Replicate driver', () => {
  it('derives stems and capabilities from the Demucs network: four, or six with htdemucs_6s', () => {
    expect(driver().capabilities.stems).toEqual(['vocals', 'drums', 'bass', 'other']);
    expect(driver({ model: 'cjwbw/demucs', demucsModel: 'htdemucs_6s' }).capabilities.stems).toEqual([
      'vocals',
      'drums',
      'bass',
      'other',
      'guitar',
      'piano',
    ]);
    expect(driver().capabilities.signedCallbacks).toBe(true);
    expect(() => driver({ demucsModel: 'mdx' })).toThrow(/demucsModel/);
  });

  it('uploads a local file through the Files API (multipart content) and starts on its URL, ryan5453 schema', async () => {
    let part = '';
    server.use(
      http.post(`${API}/files`, async ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
        part = await request.text();
        return HttpResponse.json(file, { status: 201 });
      }),
    );
    const creates = recordCreates();
    const stemkit = createStemkit({ driver: driver({ mp3Bitrate: 192 }) });
    const job = await stemkit.separate({
      source: sampleWav({ seconds: 0.05 }),
      name: 'song.mp3',
      stems: ['vocals', 'drums'],
      formats: ['mp3'],
    });
    expect(part).toContain('name="content"; filename="song.mp3"');
    expect(creates[0]?.body).toEqual({
      version: DEMUCS_VERSIONS['ryan5453/demucs'],
      input: {
        audio: file.urls.get,
        output_format: 'mp3',
        mp3_bitrate: 192,
        model: 'htdemucs',
        stem: 'none',
      },
    });
    expect(job.status).toBe('queued');
    expect(job.targets.map((target) => target.stem)).toEqual(['vocals', 'drums']);
  });

  it('puts a URL source straight into the input, never a data URI; cjwbw schema with a single stem', async () => {
    const creates = recordCreates(created);
    const stemkit = createStemkit({ driver: driver({ model: 'cjwbw/demucs', demucsModel: 'htdemucs_6s' }) });
    await stemkit.separate({
      source: 'https://example.com/song.wav',
      stems: ['guitar'],
      formats: ['wav'],
      callbackUrl: 'https://example.com/hooks/replicate',
    });
    expect(creates[0]?.body).toEqual({
      version: DEMUCS_VERSIONS['cjwbw/demucs'],
      input: {
        audio: 'https://example.com/song.wav',
        output_format: 'wav',
        model_name: 'htdemucs_6s',
        stem: 'guitar',
      },
      webhook: 'https://example.com/hooks/replicate',
      webhook_events_filter: ['start', 'completed'],
    });
    expect(JSON.stringify(creates[0]?.body)).not.toContain('data:');
  });

  it('refuses a file over the 100 MB limit before sending anything', async () => {
    const error = await driver()
      .upload({ body: streamOf(new Uint8Array(4)), name: 'huge.wav', size: 100 * 1024 * 1024 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(String(error)).toContain('source.size');
  });

  it('sends Prefer: wait, bounded to 60 s, only for a short source of known length', async () => {
    const creates = recordCreates(finished);
    const stemkitDriver = driver({ preferWaitSeconds: 90 });
    const asset = {
      id: 'f',
      name: 'a.mp3',
      role: 'source' as const,
      url: file.urls.get,
      durationSeconds: 20,
      provider: 'replicate',
      raw: {},
    };
    const result = await stemkitDriver.start({
      source: { asset },
      targets: [{ stem: 'vocals', formats: ['mp3'] }],
    });
    await stemkitDriver.start({
      source: { asset: { ...asset, durationSeconds: 600 } },
      targets: [{ stem: 'vocals', formats: ['mp3'] }],
    });
    expect(creates[0]?.headers.get('prefer')).toBe('wait=60');
    expect(creates[1]?.headers.get('prefer')).toBeNull();
    // The held request answered finished: the job is already done.
    expect(result.job?.status).toBe('succeeded');
  });

  it('maps a finished prediction: one target per stem, outputs expiring an hour after completion, progress from the logs', async () => {
    server.use(http.get(`${API}/predictions/gm3qorzdhgbfurvjtvhg6dckhu`, () => HttpResponse.json(finished)));
    const stemkitDriver = driver();
    const handle =
      stemkitDriver.start === undefined
        ? undefined
        : {
            contract: 1 as const,
            provider: 'replicate',
            id: 'gm3qorzdhgbfurvjtvhg6dckhu',
            data: { stems: ['vocals', 'bass'], format: 'mp3' },
          };
    const { job } = await stemkitDriver.status(handle!);
    expect(job.status).toBe('succeeded');
    expect(
      job.targets.map((target: { stem: string; outputs: Array<{ name: string; url?: string }> }) => [
        target.stem,
        target.outputs[0]?.name,
        target.outputs[0]?.url,
      ]),
    ).toEqual([
      ['vocals', 'vocals.mp3', finished.output.vocals],
      ['bass', 'bass.mp3', finished.output.bass],
    ]);
    expect(job.targets[0]?.outputs[0]?.expiresAt).toBe('2026-03-01T11:00:22.900Z');
    expect(job.progress?.fraction).toBe(0.76);
    expect(replicatePredictionOf(job).metrics).toEqual({ predict_time: 21.4, total_time: 22.9 });
  });

  it('a download after data removal is a NotFoundError saying so, asked once, not a retry loop', async () => {
    let reads = 0;
    server.use(
      http.get(`${API}/predictions/gm3qorzdhgbfurvjtvhg6dckhu`, () => {
        reads += 1;
        return HttpResponse.json({ ...finished, output: null, data_removed: true });
      }),
    );
    const handle = {
      contract: 1 as const,
      provider: 'replicate',
      id: 'gm3qorzdhgbfurvjtvhg6dckhu',
      data: { stems: ['vocals'] },
    };
    const asset = {
      id: 'gm3qorzdhgbfurvjtvhg6dckhu/vocals',
      name: 'vocals.mp3',
      role: 'stem' as const,
      provider: 'replicate',
      raw: {},
    };
    const error = await driver()
      .link(handle, { asset })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(String(error)).toMatch(/removed the outputs/);
    expect(reads).toBe(1);
  });

  it('lists with the cursor of the absolute next URL, and cancels', async () => {
    server.use(
      http.get(`${API}/predictions`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        return HttpResponse.json({
          next: cursor ? null : 'https://api.replicate.com/v1/predictions?cursor=cD0yMDIy',
          previous: null,
          results: cursor
            ? [{ ...finished, id: 'second' }]
            : [finished, { ...finished, id: 'other-model', model: 'someone/else', version: 'x' }],
        });
      }),
      http.post(`${API}/predictions/:id/cancel`, ({ params }) =>
        HttpResponse.json({ ...created, id: params.id, status: 'canceled', metrics: {} }),
      ),
    );
    const stemkitDriver = driver();
    const first = await stemkitDriver.list({ pageSize: 100 });
    expect(first.jobs.map((job) => job.id)).toEqual(['gm3qorzdhgbfurvjtvhg6dckhu']);
    expect(first.nextCursor).toBe('cD0yMDIy');
    const second = await stemkitDriver.list({ pageSize: 100, cursor: first.nextCursor });
    expect(second).toEqual({ jobs: [expect.objectContaining({ id: 'second' })] });
    await stemkitDriver.cancel({ contract: 1, provider: 'replicate', id: 'second' });
  });

  it('honours the reset hint of a 429 body when there is no Retry-After', async () => {
    expect(resetHintSeconds('{"detail":"Request was throttled. Your rate limit resets in ~30s."}')).toBe(30);
    server.use(
      http.post(`${API}/predictions`, () =>
        HttpResponse.json(
          { detail: 'Request was throttled. Your rate limit resets in ~1s.' },
          { status: 429 },
        ),
      ),
    );
    const error = await driver()
      .start({
        source: { url: 'https://example.com/a.mp3' },
        targets: [{ stem: 'vocals', formats: ['mp3'] }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(1_000);
  });

  it('refuses targets asking for two formats before any request', () => {
    expect(() =>
      driver().validate({
        targets: [
          { stem: 'vocals', formats: ['mp3'] },
          { stem: 'bass', formats: ['wav'] },
        ],
      }),
    ).toThrow(/targets.formats/);
  });
});

describe('Replicate webhooks', () => {
  async function delivery(body: string, timestamp = Math.floor(NOW / 1000)) {
    const signature = await signStandardWebhook('msg_1', timestamp, body, SECRET);
    return new Headers({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${signature}`,
    });
  }

  it('accepts a signed delivery, fetching the account secret from the API once when none is given', async () => {
    let secretReads = 0;
    server.use(
      http.get(`${API}/webhooks/default/secret`, () => {
        secretReads += 1;
        return HttpResponse.json({ key: SECRET });
      }),
    );
    const stemkitDriver = driver();
    const rawBody = JSON.stringify(finished);
    const hint = await stemkitDriver.parseCallback({
      headers: await delivery(rawBody),
      body: finished,
      rawBody,
    });
    await stemkitDriver.parseCallback({ headers: await delivery(rawBody), body: finished, rawBody });
    expect(hint).toMatchObject({
      handle: { id: finished.id },
      event: 'succeeded',
      claimedStatus: 'succeeded',
    });
    expect(secretReads).toBe(1);
  });

  it('registers the webhook secret as a secret, given or fetched: redacted wherever it would be printed', async () => {
    const fetched = 'whsec_ZmV0Y2hlZC1mcm9tLXRoZS1hcGktb25jZQ==';
    server.use(http.get(`${API}/webhooks/default/secret`, () => HttpResponse.json({ key: fetched })));
    const given = 'whsec_Z2l2ZW4tYXMtYS1zZXR0aW5nLTEyMzQ1Ng==';
    driver({ webhookSecret: given });
    expect(redact(`secret ${given}`)).not.toContain(given);
    const stemkitDriver = driver();
    const rawBody = JSON.stringify(finished);
    await stemkitDriver
      .parseCallback({ headers: await delivery(rawBody), body: finished, rawBody })
      .catch(() => undefined);
    expect(redact(`secret ${fetched}`)).not.toContain(fetched);
  });

  it('refuses a forged delivery (signed with another secret), a tampered, a replayed and a re-serialised one', async () => {
    const stemkitDriver = driver({ webhookSecret: SECRET });
    const rawBody = JSON.stringify(finished);
    const tampered = rawBody.replace('succeeded', 'failed');
    const forged = new Headers(await delivery(rawBody));
    forged.set(
      'webhook-signature',
      `v1,${await signStandardWebhook('msg_1', Math.floor(NOW / 1000), rawBody, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAA')}`,
    );
    const attempts = [
      { headers: forged, body: finished, rawBody },
      { headers: await delivery(rawBody), body: JSON.parse(tampered), rawBody: tampered },
      { headers: await delivery(rawBody, Math.floor(NOW / 1000) - 600), body: finished, rawBody },
      { headers: await delivery(rawBody), body: finished },
    ];
    for (const attempt of attempts) {
      await expect(stemkitDriver.parseCallback(attempt)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });
});

import { describeCapabilities, InvalidArgumentError } from '@stemkit/core/driver';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { sourcere } from '../../src/index.ts';
import * as seed from '../fixtures/seed-000.ts';
import { createHandle } from '../helpers/handle.ts';
import { API, useSeedApi } from '../helpers/seed-api.ts';

const api = useSeedApi();
const handle = createHandle('5f0c60f3b669c67bbbd1e2ee', { stems: ['vocals'] });

afterEach(() => vi.unstubAllEnvs());

describe('options', () => {
  test('credentials and base URL come from SOURCERE_USERNAME, SOURCERE_PASSWORD and SOURCERE_BASE_URL', async () => {
    vi.stubEnv('SOURCERE_USERNAME', 'from-env');
    vi.stubEnv('SOURCERE_PASSWORD', 'env-password');
    vi.stubEnv('SOURCERE_BASE_URL', API);

    await sourcere().status(handle);

    const [login] = api.callsTo('/auth/');
    expect(JSON.parse((await login?.body) ?? '')).toEqual({ username: 'from-env', password: 'env-password' });
  });

  test('missing credentials fail at creation, naming the environment variable', () => {
    vi.stubEnv('SOURCERE_USERNAME', '');
    vi.stubEnv('SOURCERE_PASSWORD', '');

    expect(() => sourcere({ password: 'x' })).toThrow(/SOURCERE_USERNAME/);
    expect(() => sourcere({ username: 'x' })).toThrow(InvalidArgumentError);
  });

  test('endpoints override the paths the project decided, below a base URL with a path', async () => {
    api.server.use(
      http.post(`${API}/v2/auth/`, () => HttpResponse.json(seed.loginResponse.body)),
      http.get(`${API}/v2/jobs/progress`, () => HttpResponse.json(seed.progressDuring.body)),
    );

    await api.driver({ baseUrl: `${API}/v2`, endpoints: { progress: 'jobs/progress' } }).status(handle);

    expect(api.calls.map((call) => call.url.pathname)).toEqual(['/v2/auth/', '/v2/jobs/progress']);
  });

  test('the capability matrix', () => {
    expect(describeCapabilities(api.driver())).toEqual({
      provider: 'sourcere',
      stems: ['vocals', 'instrumental', 'drums', 'bass', 'other'],
      formats: ['mp3', 'm4a', 'wav', 'flac'],
      maxTargets: 4,
      trial: true,
      residual: false,
      transcription: false,
      alignment: false,
      callbacks: 'per-job',
      urlInput: false,
      variants: false,
      languages: false,
      convertOnDownload: true,
      links: false,
      uploads: 'separate',
      jobs: 'provider',
      sourceMetadata: true,
      mix: true,
      zip: true,
      list: false,
      usage: false,
      cancel: false,
      idempotentStart: false,
      deleteSource: false,
      parseCallbacks: true,
      signedCallbacks: false,
    });
  });
});

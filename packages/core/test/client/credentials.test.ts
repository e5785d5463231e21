import { describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionError, createStemkit, type StemkitDriver } from '../../src/index.ts';
import { createMockDriver, sampleWav } from '../support/mock.ts';

// The driver's `verifyCredentials` is asked once per client, before the first upload.

function setup(verify: () => Promise<void>) {
  const mock = createMockDriver();
  let checks = 0;
  const driver: StemkitDriver = Object.assign(Object.create(mock) as StemkitDriver, {
    verifyCredentials: async () => {
      checks++;
      return verify();
    },
  });
  const uploads = () => mock.server.requests.filter((request) => request.operation === 'upload').length;
  return { stemkit: createStemkit({ driver }), checks: () => checks, uploads };
}

const song = () => sampleWav({ seconds: 0.05 });

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

const refused = () =>
  new AuthenticationError('mock refused the credentials (401) for the credential check', {
    provider: 'mock',
    status: 401,
  });

describe('the credential check', () => {
  it('runs once for many uploads, concurrent or not, before the first of them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { stemkit, checks, uploads } = setup(() => gate);
    const pending = Promise.all([1, 2, 3].map(() => stemkit.upload(song())));
    await new Promise((resolve) => setImmediate(resolve));
    expect(uploads()).toBe(0); // nothing leaves while the check is out
    release();
    await pending;
    await stemkit.separate({ source: song(), stems: ['vocals'] });
    expect(checks()).toBe(1);
    expect(uploads()).toBe(4);
  });

  it('fails every upload with the refusal, asking the provider once and uploading nothing', async () => {
    const { stemkit, checks, uploads } = setup(async () => {
      throw refused();
    });
    const errors = await Promise.all([
      caught(stemkit.upload(song())),
      caught(stemkit.separate({ source: song(), stems: ['vocals'] })),
    ]);
    errors.push(await caught(stemkit.upload(song())));
    for (const error of errors) expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(checks()).toBe(1);
    expect(uploads()).toBe(0);
  });

  it('asks again after a failure that says nothing about the key', async () => {
    let calls = 0;
    const { stemkit, checks, uploads } = setup(async () => {
      calls++;
      if (calls === 1) throw new ConnectionError('mock did not answer', { provider: 'mock' });
    });
    expect(ConnectionError.isInstance(await caught(stemkit.upload(song())))).toBe(true);
    await stemkit.upload(song());
    expect(checks()).toBe(2);
    expect(uploads()).toBe(1);
  });

  it('lets one caller abort without failing the others that share the check', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { stemkit, checks } = setup(() => gate);
    const controller = new AbortController();
    const aborted = caught(stemkit.upload(song(), { signal: controller.signal }));
    const other = stemkit.upload(song());
    controller.abort();
    expect(((await aborted) as Error).name).toBe('AbortError');
    release();
    expect((await other).role).toBe('source');
    expect(checks()).toBe(1);
  });

  it('is not asked again for a job from an uploaded asset', async () => {
    const { stemkit, checks } = setup(async () => undefined);
    const asset = await stemkit.upload(song());
    await stemkit.separate({ source: asset, stems: ['vocals'] });
    expect(checks()).toBe(1);
  });
});

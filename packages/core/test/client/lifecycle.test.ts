import { describe, expect, it } from 'vitest';
import { createStemkit, JobHandleSchema } from '../../src/index.ts';
import { createMockDriver, sampleWav } from '../support/mock.ts';

const bytes = sampleWav({ seconds: 0.1 });

describe('the client lifecycle', () => {
  it('separates, waits and downloads every output', async () => {
    const driver = createMockDriver({ statuses: ['queued', 'succeeded'] });
    const stemkit = createStemkit({ driver, wait: { initialDelayMs: 1, jitter: 0 } });
    const started = await stemkit.separate({ source: bytes, name: 'song.wav', stems: ['vocals', 'drums'] });
    expect(started.status).toBe('queued');
    expect(JobHandleSchema.safeParse(started.handle).success).toBe(true);
    const job = await stemkit.wait(started);
    expect(job.status).toBe('succeeded');
    expect(job.targets.map((target) => target.stem)).toEqual(['vocals', 'drums']);
    for (const output of job.targets.flatMap((target) => target.outputs)) {
      const { body, size, asset } = await stemkit.download(output);
      const data = new Uint8Array(await new Response(body).arrayBuffer());
      expect(data).toEqual(bytes);
      expect(size).toBe(bytes.byteLength);
      expect(asset.format).toBe('wav');
    }
  });

  it('reports what the driver can do', () => {
    const stemkit = createStemkit({ driver: createMockDriver({ features: { zip: false } }) });
    expect(stemkit.provider).toBe('mock');
    expect(stemkit.capabilities).toMatchObject({ provider: 'mock', mix: true, zip: false, list: true });
  });
});

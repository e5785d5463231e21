import { InvalidArgumentError } from '@stemkit/core';
import { describe, expect, test } from 'vitest';
import { useSeedApi } from '../helpers/seed-api.ts';

const api = useSeedApi();
const headers = new Headers({ 'content-type': 'application/json' });

describe('callbacks', () => {
  test('a finished callback becomes a handle the progress endpoint confirms', async () => {
    const driver = api.driver({ stallTimeoutMs: Number.POSITIVE_INFINITY });
    const body = {
      separationId: '5f0c60f3b669c67bbbd1e2ee',
      customMetadata: 'bless the rains',
      outputFiles: ['track.wav', 'vocals.wav'],
      event: { event: 'Finalising', guid: 'g', timestamp: '2020-07-21T14:52:06.007Z', message: null },
    };

    const hint = driver.parseCallback({ headers, body });
    const { job } = await driver.status(hint.handle);

    expect(hint).toEqual({
      handle: {
        contract: 1,
        provider: 'sourcere',
        id: '5f0c60f3b669c67bbbd1e2ee',
        data: { stems: ['instrumental', 'vocals'], formats: ['wav'], customMetadata: 'bless the rains' },
      },
      event: 'Finalising',
      claimedStatus: 'succeeded',
    });
    expect(job.status).toBe('succeeded');
    expect(job.metadata).toBe('bless the rains');
    expect(api.callsTo('/separation/progress')).toHaveLength(1);
  });

  test('a failure callback with the event as a name and no outputs', () => {
    const hint = api.driver().parseCallback({
      headers,
      body: {
        separationId: '5f0c60f3b669c67bbbd1e2ee',
        customMetadata: null,
        outputFiles: null,
        event: 'Failed',
      },
    });

    expect(hint).toEqual({
      handle: { contract: 1, provider: 'sourcere', id: '5f0c60f3b669c67bbbd1e2ee', data: {} },
      event: 'Failed',
      claimedStatus: 'failed',
    });
  });

  test('a body without separationId is an invalid argument', () => {
    expect(() => api.driver().parseCallback({ headers, body: { outputFiles: [] } })).toThrow(
      InvalidArgumentError,
    );
  });
});

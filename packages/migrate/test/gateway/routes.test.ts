import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSong } from '../support/http.ts';
import { GATEWAY_TOKEN, type GatewayRig, startGatewayRig } from './harness.ts';

let rig: GatewayRig;
const auth = { authorization: `Bearer ${GATEWAY_TOKEN}` };

beforeAll(async () => {
  rig = await startGatewayRig('tasks');
});
afterAll(() => rig.close());

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${rig.gateway.url}${path}`, init);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function uploadSong() {
  const form = new FormData();
  form.set('file', new Blob([sampleSong(1) as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }), 'song.wav');
  return call('/upload/', { method: 'POST', headers: auth, body: form });
}

describe('the gateway’s legacy routes, spoken to directly', () => {
  it('refuses a missing or wrong token with 401 in the legacy error shape, without echoing it', async () => {
    const missing = await call('/job/');
    expect(missing).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
    const wrong = await call('/job/', { headers: { authorization: 'Bearer wrong-token-123' } });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('wrong-token-123');
    expect((await call('/job/', { headers: auth })).body).toMatchObject({ message: 'Token is valid' });
  });

  it('answers an upload with a bare legacy Asset, and a job with { job } in its first status', async () => {
    const asset = await uploadSong();
    expect(asset.status).toBe(200);
    expect(asset.body).toMatchObject({ name: 'song.wav', format: 'wav', fileType: 'audio/wav' });
    expect(asset.body.id).toMatch(/^c[a-z0-9]{24}$/);
    const created = await call('/job', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        assetId: asset.body.id,
        metadata: { name: 'vocals', format: 'wav', preview: true },
      }),
    });
    const job = created.body.job as Record<string, unknown>;
    // The Tasks API starts targets in processing; a backend with a queue answers created.
    expect(['created', 'processing']).toContain(job.status);
    expect(job).toMatchObject({
      assetId: asset.body.id,
      metadata: { name: 'vocals', format: 'wav', preview: true },
    });
    expect(job.requestId).toBe(job.id);
    const fetched = await call(`/job/${job.id}`, { headers: auth });
    expect((fetched.body.job as { id: string }).id).toBe(job.id);
  });

  it('takes the oldest request shape (stemMetadata.stemName)', async () => {
    const asset = await uploadSong();
    const created = await call('/job/', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ assetId: asset.body.id, stemMetadata: { stemName: 'drums', format: 'wav' } }),
    });
    expect(created.body.job).toMatchObject({ metadata: { name: 'drums', format: 'wav' } });
  });

  it('answers bad requests with 400 and unknown ids with 404', async () => {
    const json = { ...auth, 'content-type': 'application/json' };
    expect((await call('/job', { method: 'POST', headers: json, body: '{' })).status).toBe(400);
    const noModel = await call('/job', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ assetId: 'cxxxxxxxxxxxxxxx', metadata: {} }),
    });
    expect(noModel).toMatchObject({ status: 400, body: { error: 'Bad Request' } });
    const unknownAsset = await call('/job', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        assetId: 'cunknownunknownunknown',
        metadata: { name: 'vocals', format: 'wav' },
      }),
    });
    expect(unknownAsset.status).toBe(404);
    expect((await call('/job/cunknownunknownunknown', { headers: auth })).status).toBe(404);
    expect(
      (
        await call('/upload', {
          method: 'POST',
          headers: { ...auth, 'content-type': 'text/plain' },
          body: 'x',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('/upload/link', {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ link: 'ftp://x.test/a.wav' }),
        })
      ).status,
    ).toBe(400);
  });

  it('refuses a tampered download link', async () => {
    const response = await fetch(`${rig.gateway.url}/download/eyJqIjoiYyJ9.not-a-signature`);
    expect(response.status).toBe(403);
    await response.body?.cancel();
  });
});

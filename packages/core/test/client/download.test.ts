import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStemkit, DownloadError, InvalidArgumentError, type Job } from '../../src/index.ts';
import { createMockDriver, type MockDriverOptions, sampleWav } from '../support/mock.ts';
import { settle } from '../support/timers.ts';

const bytes = sampleWav({ seconds: 0.05 });

async function finished(script: MockDriverOptions = {}) {
  const driver = createMockDriver({ statuses: ['succeeded'], ...script });
  const stemkit = createStemkit({ driver });
  const started = await stemkit.separate({ source: bytes, stems: ['vocals'] });
  const job = await stemkit.get(started);
  const output = job.targets[0]!.outputs[0]!;
  const count = (operation: string) =>
    driver.server.requests.filter((request) => request.operation === operation).length;
  return { driver, stemkit, job, output, count };
}

const read = async (body: ReadableStream<Uint8Array>) =>
  new Uint8Array(await new Response(body).arrayBuffer());

afterEach(() => {
  vi.useRealTimers();
});

describe('download', () => {
  it('streams an output through a fresh link, never sending the credential to storage', async () => {
    const { stemkit, output, driver } = await finished();
    const { body, size, asset } = await stemkit.download(output);
    expect(await read(body)).toEqual(bytes);
    expect(size).toBe(bytes.byteLength);
    expect(asset.url).toMatch(/^https:\/\/storage\.mock/);
    const storage = driver.server.requests.filter((request) => request.operation === 'storage');
    expect(storage).toHaveLength(1);
    expect(storage.every((request) => !request.authorized)).toBe(true);
  });

  it('refreshes the link once when storage says it is stale', async () => {
    const { stemkit, output, driver, count } = await finished();
    driver.server.fault('storage', 403);
    const { body } = await stemkit.download(output);
    expect(await read(body)).toEqual(bytes);
    expect(count('link')).toBe(2);
    expect(count('storage')).toBe(2);
  });

  it('refreshes a link already past its expiry before using it', async () => {
    const { stemkit, output, count } = await finished({ linkTtlMs: -1_000 });
    const error = await stemkit.download(output).catch((caught: unknown) => caught);
    // Both links were born expired: one refresh, then a DownloadError naming the status.
    expect(DownloadError.isInstance(error)).toBe(true);
    expect((error as DownloadError).status).toBe(403);
    expect(count('link')).toBe(2);
    expect(count('storage')).toBe(1);
  });

  it('fails with DownloadError when the refreshed link fails too, without the signature in the message', async () => {
    const { stemkit, output, driver } = await finished();
    driver.server.fault('storage', 403, 403);
    const error = await stemkit.download(output).catch((caught: unknown) => caught);
    expect(DownloadError.isInstance(error)).toBe(true);
    expect(String(error)).not.toMatch(/signature=\w/);
    expect(JSON.stringify(error)).not.toMatch(/signature=\w/);
  });

  it('does not refresh on a server error from storage', async () => {
    const { stemkit, output, driver, count } = await finished();
    driver.server.fault('storage', 500);
    await expect(stemkit.download(output)).rejects.toMatchObject({ code: 'download', status: 500 });
    expect(count('link')).toBe(1);
  });

  it('waits out a link still being prepared', async () => {
    const { stemkit, output, count } = await finished({ linkNotReady: 2 });
    vi.useFakeTimers();
    const { value } = await settle(stemkit.download(output));
    vi.useRealTimers();
    expect(await read(value!.body)).toEqual(bytes);
    expect(count('link')).toBe(3);
  });

  it('asks for another format when told', async () => {
    const { stemkit, output } = await finished();
    const { asset } = await stemkit.download(output, { format: 'mp3' });
    expect(asset).toMatchObject({ format: 'mp3', mimeType: 'audio/mpeg' });
  });

  it('needs the job for an asset this client has not seen, and takes it as an option', async () => {
    const { driver, job, output } = await finished();
    const fresh = createStemkit({ driver });
    const error = await fresh.download(output).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error) && error.field).toBe('job');
    const { body } = await fresh.download(output, { job: JSON.stringify(job.handle) });
    expect(await read(body)).toEqual(bytes);
  });

  it('rejects with the AbortError when aborted', async () => {
    const { stemkit, output } = await finished();
    const error = await stemkit
      .download(output, { signal: AbortSignal.abort() })
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
  });

  it('remembers outputs seen through wait, list and get', async () => {
    const { driver, job } = await finished();
    const other = createStemkit({ driver });
    let listed: Job | undefined;
    for await (const each of other.list()) if (each.id === job.id) listed = each;
    const { body } = await other.download(listed!.targets[0]!.outputs[0]!);
    expect(await read(body)).toEqual(bytes);
  });
});

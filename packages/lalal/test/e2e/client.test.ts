import { createStemkit, JobHandleSchema, ProviderError } from '@stemkit/core';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lalalTrackOf } from '../../src/index.ts';
import { driverFor, sampleSong, startFastEmulator } from '../helpers/emulator.ts';

// The neutral client over the driver, against the emulator over loopback.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startFastEmulator();
});
afterAll(async () => {
  await emulator?.close();
});

const fast = { initialDelayMs: 50, maxDelayMs: 200 };

describe('the neutral client on LALAL.AI', () => {
  it('separates vocals, drums and piano with residual-free multistem, downloads each stem', async () => {
    const stemkit = createStemkit({ driver: driverFor(emulator, { checksPerMinute: 6_000 }), wait: fast });
    const job = await stemkit.wait(
      await stemkit.separate({ source: sampleSong(), name: 'song.wav', stems: ['vocals', 'drums', 'piano'] }),
    );
    expect(job.status).toBe('succeeded');
    expect(job.handle.parts).toHaveLength(1);
    expect(
      job.targets.map((target) => [target.stem, target.outputs.map((output) => lalalTrackOf(output)?.label)]),
    ).toEqual([
      ['vocals', ['vocals']],
      ['drums', ['drum']],
      ['piano', ['piano']],
    ]);
    const bytes = await new Response(
      (await stemkit.download(job.targets[0]!.outputs[0]!)).body,
    ).arrayBuffer();
    expect(new TextDecoder().decode(new Uint8Array(bytes).slice(0, 4))).toBe('RIFF');
    expect(JobHandleSchema.parse(JSON.parse(JSON.stringify(job.handle)))).toEqual(job.handle);
  });

  it('gives instrumental and residuals, and the same idempotency key twice makes no second task', async () => {
    const stemkit = createStemkit({ driver: driverFor(emulator, { checksPerMinute: 6_000 }), wait: fast });
    const source = await stemkit.upload(sampleSong(), { name: 'Ünïcode – song.wav' });
    expect(source.name).toBe('Ünïcode – song.wav');
    expect(source.durationSeconds).toBe(2);
    const request = {
      source,
      stems: ['vocals', 'instrumental'],
      residual: false,
      idempotencyKey: 'catalogue/track-42',
    };
    const first = await stemkit.separate(request);
    // Again with the key: the same task while it is queued, else refused (`idempotency_key_used`), never a second.
    const again = await stemkit.separate(request).catch((error: unknown) => error);
    if (ProviderError.isInstance(again)) expect(again.providerCode).toBe('idempotency_key_used');
    else expect((again as typeof first).handle.parts).toEqual(first.handle.parts);
    const job = await stemkit.wait(first);
    expect(job.targets.map((target) => lalalTrackOf(target.outputs[0]!)?.label)).toEqual([
      'vocals',
      'no_vocals',
    ]);
    const withResidual = await stemkit.wait(
      await stemkit.separate({ source, stems: ['bass'], residual: true, formats: ['mp3'] }),
    );
    expect(withResidual.targets[0]?.outputs.map((output) => [output.role, output.format])).toEqual([
      ['stem', 'mp3'],
      ['residual', 'mp3'],
    ]);
  });

  it('cancels a job, reports minutes left as a quota, and deletes a source with its results', async () => {
    const driver = driverFor(emulator, { checksPerMinute: 6_000 });
    const stemkit = createStemkit({ driver, wait: fast });
    const before = await stemkit.usage();
    expect(before.months).toEqual([]);
    expect(before.quota?.minutesLeft).toBeGreaterThan(0);
    const job = await stemkit.separate({ source: sampleSong(), name: 'c.wav', stems: ['music'] });
    await stemkit.cancel(job);
    expect((await stemkit.wait(job)).status).toBe('canceled');
    const done = await stemkit.wait(
      await stemkit.separate({ source: sampleSong(), name: 'd.wav', stems: ['voice'] }),
    );
    const output = done.targets[0]!.outputs[0]!;
    await stemkit.deleteSource(done.source!);
    expect((await fetch(output.url!)).status).toBe(404);
    expect(await driver.cancelAll()).toEqual([]);
  });
});

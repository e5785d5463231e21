import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { probeAudio } from '@stemkit/audio';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.ts';
import { runCli } from './support/cli.ts';
import { PROVIDERS, providerEnvironment, testEmulator, workspaceWithTrack } from './support/emulator.ts';

interface FileEntry {
  stem?: string;
  role: string;
  format: string;
  path: string;
  sizeBytes: number;
  durationSeconds?: number;
}

/** The bits per sample a WAV file's `fmt ` chunk declares. */
function wavBitsPerSample(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 12; offset + 8 <= bytes.length; offset += 8 + view.getUint32(offset + 4, true)) {
    if (String.fromCharCode(...bytes.subarray(offset, offset + 4)) === 'fmt ') {
      return view.getUint16(offset + 22, true);
    }
  }
  throw new Error('no fmt chunk');
}

let emulator: RunningEmulator;
let folder: string;
let track: string;
/** Serves the track over loopback HTTP, for `separate <url>`. */
let host: Server;
let trackUrl: string;

beforeAll(async () => {
  emulator = await testEmulator();
  ({ folder, track } = await workspaceWithTrack());
  const bytes = await readFile(track);
  host = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'audio/wav' }).end(bytes),
  );
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  trackUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/song.wav`;
});

afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => host.close(resolve));
});

describe.each(PROVIDERS)('stemkit against the %s emulator', (provider) => {
  const environment = () => providerEnvironment(emulator, provider);
  let token: string;

  it('separates: writes <stem>.<format> files and one JSON result', async () => {
    const out = join(folder, provider);
    const run = await runCli(
      ['separate', track, '--stems', 'vocals,drums', '--format', 'wav', '--out', out, '--json'],
      {
        environment: environment(),
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ ok: true, emulator: false, job: { status: 'succeeded' } });
    // The source as the provider measured it, where it does (Sourcere reads the upload's metadata).
    expect(result.source).toMatchObject({ name: 'track.wav', format: 'wav' });
    if (provider === 'sourcere') {
      expect(result.source).toMatchObject({ durationSeconds: 3, channels: 2, sampleRate: 44_100 });
    }
    const files = result.files as FileEntry[];
    expect(files.map((file) => [file.stem, file.format, file.path])).toEqual([
      ['vocals', 'wav', join(out, 'vocals.wav')],
      ['drums', 'wav', join(out, 'drums.wav')],
    ]);
    for (const file of files) {
      expect((await stat(file.path)).size).toBe(file.sizeBytes);
      const info = await probeAudio(await readFile(file.path));
      expect(info).toMatchObject({ format: 'wav', channels: 2, sampleRate: 44_100 });
      expect(info.durationSeconds).toBeCloseTo(3, 1);
      expect(file.durationSeconds).toBeCloseTo(info.durationSeconds, 2);
    }
    token = result.job.handle;
    expect(token).toMatch(/^sk1\./);
  });

  it('reports the status from the token, with no provider flag', async () => {
    const run = await runCli(['status', token, '--json'], { environment: environment() });
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
    const { job } = JSON.parse(run.stdout);
    expect(job.status).toBe('succeeded');
    expect(job.targets.map((target: { stem: string }) => target.stem)).toEqual(['vocals', 'drums']);
  });

  it('mixes with volume and pan, natively or locally, into one audio file', async () => {
    const out = join(folder, provider, 'mix');
    const run = await runCli(
      [
        'mix',
        token,
        '--track',
        'vocals:1:-0.5',
        '--track',
        'drums:0.5:0.5',
        '--format',
        'wav',
        '--out',
        out,
        '--json',
      ],
      { environment: environment() },
    );
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
    const result = JSON.parse(run.stdout);
    expect(result.mixedBy).toBe(provider === 'sourcere' ? 'provider' : 'local');
    const [file] = result.files as FileEntry[];
    expect(file).toMatchObject({ role: 'mix', format: 'wav', path: join(out, 'mix.wav') });
    const info = await probeAudio(await readFile(join(out, 'mix.wav')));
    expect(info).toMatchObject({ format: 'wav', channels: 2 });
    expect(info.durationSeconds).toBeCloseTo(3, 1);
    // At the stems' bit depth, whoever mixes (Sourcere at the provider, the AudioShake APIs on this machine).
    const stemBits = wavBitsPerSample(await readFile(join(folder, provider, 'vocals.wav')));
    expect(stemBits).toBe(24);
    expect(wavBitsPerSample(await readFile(join(out, 'mix.wav')))).toBe(stemBits);
  });

  it('zips the stems into one archive', async () => {
    const out = join(folder, provider, 'zip');
    const run = await runCli(['zip', token, '--format', 'wav', '--name', 'session', '--out', out, '--json'], {
      environment: environment(),
    });
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
    const result = JSON.parse(run.stdout);
    expect(result.zippedBy).toBe(provider === 'sourcere' ? 'provider' : 'local');
    const archive = await readFile(join(out, 'session.zip'));
    expect(archive.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const names = archive.toString('latin1');
    expect(names).toContain('vocals');
    expect(names).toContain('drums');
  });

  it('refuses `download --stems` of a stem the job does not have (or a typo) with exit 2, naming the ones it has', async () => {
    const out = join(folder, provider, 'missing-stem');
    const run = await runCli(['download', token, '--stems', 'vocals,bass', '--out', out], {
      environment: environment(),
    });
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.usage);
    expect(run.stderr).toMatch(/\nerror: --stems: job \S+ has no "bass" stem \(it has vocals, drums\)\n$/);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses `zip` and `mix` of a stem the job never asked for, the same way on every driver', async () => {
    const zip = await runCli(['zip', token, '--stems', 'bass', '--out', join(folder, provider, 'zip-bass')], {
      environment: environment(),
    });
    expect(zip.code, zip.stderr).toBe(ExitCode.usage);
    expect(zip.stderr).toContain('has no finished "bass" stem (it has vocals, drums)');
    const mix = await runCli(
      ['mix', token, '--track', 'other', '--out', join(folder, provider, 'mix-other')],
      {
        environment: environment(),
      },
    );
    expect(mix.code, mix.stderr).toBe(ExitCode.usage);
    expect(mix.stderr).toContain('has no finished "other" stem (it has vocals, drums)');
  });
});

describe('stemkit separate <url>', () => {
  // AudioShake's APIs fetch a URL themselves; Sourcere has no URL input, so the client fetches the track and
  // streams it into the upload.
  it.each(PROVIDERS)('separates a remote track on %s', async (provider) => {
    const out = join(folder, `${provider}-url`);
    const run = await runCli(
      ['separate', trackUrl, '--stems', 'vocals', '--format', 'flac', '--out', out, '--json'],
      {
        environment: providerEnvironment(emulator, provider),
      },
    );
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
    const [file] = JSON.parse(run.stdout).files as FileEntry[];
    expect(file).toMatchObject({ stem: 'vocals', format: 'flac', path: join(out, 'vocals.flac') });
    const info = await probeAudio(await readFile(join(out, 'vocals.flac')));
    expect(info.format).toBe('flac');
    expect(info.durationSeconds).toBeCloseTo(3, 1);
  });
});

describe('stemkit separate --trial', () => {
  it('separates only the section asked for where the provider offers trials', async () => {
    const out = join(folder, 'trial');
    const run = await runCli(
      ['separate', track, '--stems', 'vocals', '--trial', '1:1.5', '--out', out, '--json'],
      {
        environment: providerEnvironment(emulator, 'sourcere'),
      },
    );
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
    const info = await probeAudio(await readFile(join(out, 'vocals.wav')));
    expect(info.durationSeconds).toBeCloseTo(1.5, 1);
  });

  it('refuses a trial, before uploading, where the provider has none', async () => {
    const run = await runCli(['separate', track, '--trial', '1:1.5', '--json'], {
      environment: providerEnvironment(emulator, 'audioshake'),
    });
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.usage);
    expect(JSON.parse(run.stdout).error.code).toBe('unsupported');
  });
});

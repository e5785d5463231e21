import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioshakeLegacy } from '@stemkit/audioshake';
import { describe, expect, it } from 'vitest';
import { startFastEmulator } from '../support/emulator.ts';
import { clientFor, sampleSong } from '../support/http.ts';
import { type MigrateProcess, spawnMigrate } from '../support/subprocess.ts';

const TOKEN = 'gateway-command-token-5c2e';

describe('stemkit-migrate gateway', () => {
  it('serves the legacy API over the embedded emulator until SIGTERM', async () => {
    const running = spawnMigrate(['gateway', '--backend', 'emulator', '--speed', '500'], {
      STEMKIT_GATEWAY_TOKEN: TOKEN,
    });
    try {
      while (!running.output.stdout.includes('\n')) {
        if (running.child.exitCode !== null) throw new Error(running.output.stderr);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { url, backend } = JSON.parse(running.output.stdout) as { url: string; backend: string };
      expect(backend).toBe('emulator');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const stemkit = clientFor(audioshakeLegacy({ token: TOKEN, baseUrl: url }));
      const job = await stemkit.wait(
        await stemkit.separate({ source: sampleSong(1), name: 'song.wav', stems: ['vocals'] }),
      );
      expect(job.targets[0]?.outputs.map((output) => output.name)).toEqual(['vocals.wav']);
    } finally {
      running.child.kill('SIGTERM');
    }
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.output.stdout + running.output.stderr).not.toContain(TOKEN);
  });

  it('refuses to start without a token or with an unknown backend (exit 2)', async () => {
    const noToken = spawnMigrate(['gateway', '--backend', 'emulator'], { STEMKIT_GATEWAY_TOKEN: '' });
    expect((await noToken.exited).code).toBe(2);
    expect(noToken.output.stderr).toContain('STEMKIT_GATEWAY_TOKEN is not set');
    const unknown = spawnMigrate(['gateway', '--backend', 'groovy'], { STEMKIT_GATEWAY_TOKEN: TOKEN });
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.output.stderr).toContain('--backend must be');
    const both = spawnMigrate(
      ['gateway', '--backend', 'emulator', '--state', 'state.json', '--store', 'postgres://db/stemkit'],
      { STEMKIT_GATEWAY_TOKEN: TOKEN },
    );
    expect((await both.exited).code).toBe(2);
    expect(both.output.stderr).toContain('--state and --store');
    const notPostgres = spawnMigrate(['gateway', '--backend', 'emulator', '--store', 'mysql://db/x'], {
      STEMKIT_GATEWAY_TOKEN: TOKEN,
    });
    expect((await notPostgres.exited).code).toBe(2);
    expect(notPostgres.output.stderr).toContain('--store must be a postgres:// URL');
  });
});

describe('stemkit-migrate gateway, issue #19', () => {
  /** Starts the gateway command and waits for its JSON line. */
  async function started(argv: readonly string[], env: Record<string, string>) {
    const running = spawnMigrate(['gateway', ...argv], { STEMKIT_GATEWAY_TOKEN: TOKEN, ...env });
    while (!running.output.stdout.includes('\n')) {
      if (running.child.exitCode !== null) throw new Error(running.output.stderr);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const printed = JSON.parse(running.output.stdout) as { url: string; listening: string };
    return { running, ...printed };
  }

  async function stopped(running: MigrateProcess) {
    running.child.kill('SIGTERM');
    return running.exited;
  }

  const headers = { authorization: `Bearer ${TOKEN}` };

  it('#19.5 --state keeps the ids across a restart, and STEMKIT_GATEWAY_LINK_SECRET keeps the links valid', async () => {
    const emulator = await startFastEmulator({ processing: { speed: 500 } });
    const folder = await mkdtemp(join(tmpdir(), 'stemkit-gateway-command-'));
    const state = join(folder, 'state.json');
    const env = {
      AUDIOSHAKE_API_KEY: emulator.tasks.apiKey,
      AUDIOSHAKE_BASE_URL: emulator.tasks.baseUrl,
      STEMKIT_GATEWAY_LINK_SECRET: 'a-link-secret-of-more-than-32-characters',
    };
    const argv = ['--backend', 'audioshake', '--state', state];
    try {
      const first = await started(argv, env);
      const stemkit = clientFor(audioshakeLegacy({ token: TOKEN, baseUrl: first.url }));
      const job = await stemkit.wait(
        await stemkit.separate({ source: sampleSong(1), name: 'song.wav', stems: ['vocals'] }),
      );
      const link = job.targets[0]?.outputs[0]?.url as string;
      expect(await stopped(first.running)).toEqual({ code: 0, signal: null });
      const kept = JSON.parse(await readFile(state, 'utf8')) as { jobs: { id: string }[] };
      expect(kept.jobs.map((each) => each.id)).toEqual([job.handle.id]);

      const second = await started(argv, env);
      try {
        const again = await fetch(`${second.url}/job/${job.handle.id}`, { headers });
        expect(again.status).toBe(200);
        expect(((await again.json()) as { job: { status: string } }).job.status).toBe('completed');
        // The link handed out before the restart, on the new port: its signature still holds.
        const moved = new URL(new URL(link).pathname, second.url);
        const download = await fetch(moved);
        expect(download.status).toBe(200);
        expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(44);
      } finally {
        await stopped(second.running);
      }
      const short = spawnMigrate(['gateway', ...argv], {
        STEMKIT_GATEWAY_TOKEN: TOKEN,
        ...env,
        STEMKIT_GATEWAY_LINK_SECRET: 'short',
      });
      expect((await short.exited).code).toBe(2);
      expect(short.output.stderr).toContain('STEMKIT_GATEWAY_LINK_SECRET must be at least 32 characters');
    } finally {
      await emulator.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('#19.10 --host ::1 and --port 0 work, and --public-url names the links', async () => {
    const ipv6 = await started(
      ['--backend', 'emulator', '--speed', '500', '--host', '::1', '--port', '0'],
      {},
    );
    try {
      expect(ipv6.url).toMatch(/^http:\/\/\[::1\]:[1-9]\d*$/);
      expect((await fetch(`${ipv6.url}/job/`, { headers })).status).toBe(200);
    } finally {
      await stopped(ipv6.running);
    }

    const everywhere = spawnMigrate(['gateway', '--backend', 'emulator', '--host', '0.0.0.0'], {
      STEMKIT_GATEWAY_TOKEN: TOKEN,
    });
    expect((await everywhere.exited).code).toBe(2);
    expect(everywhere.output.stderr).toContain('--public-url');

    const publicUrl = 'https://stems.example.com/legacy';
    const named = await started(['--backend', 'emulator', '--speed', '500', '--public-url', publicUrl], {});
    try {
      expect(named.url).toBe(publicUrl);
      expect(named.listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const stemkit = clientFor(audioshakeLegacy({ token: TOKEN, baseUrl: named.listening }));
      const job = await stemkit.wait(
        await stemkit.separate({ source: sampleSong(1), name: 'song.wav', stems: ['vocals'] }),
      );
      expect(job.targets[0]?.outputs[0]?.url).toMatch(/^https:\/\/stems\.example\.com\/legacy\/download\//);
    } finally {
      await stopped(named.running);
    }
  });
});

import { audioshakeLegacy } from '@stemkit/audioshake';
import { describe, expect, it } from 'vitest';
import { clientFor, sampleSong } from '../support/http.ts';
import { spawnMigrate } from '../support/subprocess.ts';

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
  });
});

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.ts';
import { runCli, startCli } from './support/cli.ts';
import { workspaceWithTrack } from './support/emulator.ts';

describe('stemkit emulator', () => {
  it('prints one JSON line to connect with, serves until Ctrl-C, then exits 0', async () => {
    const { folder, track } = await workspaceWithTrack();
    const server = startCli(['emulator', '--port', '0', '--speed', '200']);
    let line = '';
    server.child.stdout?.on('data', (chunk: Buffer) => {
      line += chunk.toString('utf8');
    });
    await expect.poll(() => line, { timeout: 15_000, interval: 50 }).toContain('\n');
    const urls = JSON.parse(line);
    expect(Object.keys(urls)).toEqual(['sourcere', 'legacy', 'tasks', 'storageUrl']);
    const out = join(folder, 'served');
    const run = await runCli(
      ['separate', track, '--provider', 'audioshake-legacy', '--stems', 'vocals', '--out', out],
      {
        environment: { AUDIOSHAKE_LEGACY_BASE_URL: urls.legacy.baseUrl, AUDIOSHAKE_TOKEN: urls.legacy.token },
      },
    );
    expect(run.code, run.stderr + run.stdout).toBe(ExitCode.success);
    expect(await readdir(out)).toEqual(['vocals.wav']);
    server.child.kill('SIGINT');
    expect((await server.done).code).toBe(ExitCode.success);
  });

  it('`stemkit gateway --port 0` takes a free port, as `stemkit emulator` does', async () => {
    const gateway = startCli(['gateway', '--backend', 'emulator', '--port', '0', '--speed', '500'], {
      environment: { STEMKIT_GATEWAY_TOKEN: 'gateway-token-for-the-port-test' },
    });
    let line = '';
    gateway.child.stdout?.on('data', (chunk: Buffer) => {
      line += chunk.toString('utf8');
    });
    await expect.poll(() => line + gateway.stderrSoFar(), { timeout: 15_000, interval: 50 }).toContain('\n');
    const { url } = JSON.parse(line) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    const ping = await fetch(`${url}/job/`, {
      headers: { authorization: 'Bearer gateway-token-for-the-port-test' },
    });
    expect(ping.status).toBe(200);
    gateway.child.kill('SIGINT');
    expect((await gateway.done).code).toBe(ExitCode.success);
  });
});

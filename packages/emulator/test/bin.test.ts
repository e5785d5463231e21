import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

// Runs the bin from its TypeScript source (Node strips the types), as the built one runs from dist.
async function startBin(args: string[]) {
  child = spawn(process.execPath, ['--conditions=@stemkit/source', bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, printed: JSON.parse(line) };
}

test('prints one line of JSON with the base URLs and credentials, serves, and stops on SIGTERM', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stemkit-emulator-bin-'));
  try {
    const { child, printed } = await startBin([
      '--data-dir',
      dataDir,
      '--username',
      'cli-user',
      '--password',
      'cli-pass',
      '--legacy-token',
      'cli-token',
      '--tasks-api-key',
      'cli-key',
      '--lalal-license-key',
      'cli-lalal',
      '--speed',
      '100',
      '--rate-limit',
      '0',
    ]);
    expect(printed).toEqual({
      sourcere: {
        baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/sourcere$/),
        username: 'cli-user',
        password: 'cli-pass',
      },
      legacy: { baseUrl: expect.stringMatching(/\/audioshake\/legacy$/), token: 'cli-token' },
      tasks: { baseUrl: expect.stringMatching(/\/audioshake\/tasks$/), apiKey: 'cli-key' },
      lalal: { baseUrl: expect.stringMatching(/\/lalal\/api\/v1$/), licenseKey: 'cli-lalal' },
      storageUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const auth = await fetch(`${printed.sourcere.baseUrl}/auth/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cli-user', password: 'cli-pass' }),
    });
    expect(auth.status).toBe(200);
    const tasks = await fetch(`${printed.tasks.baseUrl}/tasks`, { headers: { 'x-api-key': 'cli-key' } });
    expect(tasks.status).toBe(200);
    const minutes = await fetch(`${printed.lalal.baseUrl}/limits/minutes_left/`, {
      method: 'POST',
      headers: { 'x-license-key': 'cli-lalal' },
    });
    expect(minutes.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('fault flags apply: --server-error 1 answers 503 everywhere', async () => {
  const { child, printed } = await startBin(['--server-error', '1']);
  const response = await fetch(`${printed.legacy.baseUrl}/job/`, {
    headers: { authorization: `Bearer ${printed.legacy.token}` },
  });
  expect(response.status).toBe(503);
  child.kill('SIGINT');
  expect((await once(child, 'exit'))[0]).toBe(0);
});

test('a bad flag exits 2 with the usage', async () => {
  child = spawn(process.execPath, ['--conditions=@stemkit/source', bin, '--speed', 'fast'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await once(child, 'exit');
  expect(code).toBe(2);
  expect(stderr).toContain('--speed needs a number');
  expect(stderr).toContain('Usage: stemkit-emulator');
});

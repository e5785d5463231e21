import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { testPackageDirectory } from './measure.ts';

export interface EmulatorProcess {
  info: {
    sourcere: { baseUrl: string; username: string; password: string };
    legacy: { baseUrl: string; token: string };
    tasks: { baseUrl: string; apiKey: string };
    storageUrl: string;
  };
  json: string;
  /** The emulator's process id (its CPU time is read from `/proc`). */
  pid: number;
  stop(): Promise<void>;
}

/** The built emulator in its own process (its memory is not the client's), with a data folder of its own. */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const bin = join(
    dirname(createRequire(`${testPackageDirectory}/package.json`).resolve('@stemkit/emulator/package.json')),
    'dist',
    'bin.js',
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'stemkit-bench-emulator-'));
  const child = spawn(
    process.execPath,
    [bin, '--data-dir', dataDir, '--speed', '1000', '--tasks-rate-limit', '1000000'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const json = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n')[0];
      if (output.includes('\n') && line) resolve(line);
    });
    child.on('exit', (code) => reject(new Error(`the emulator exited (${code}) before it started`)));
  });
  return {
    info: JSON.parse(json) as EmulatorProcess['info'],
    json,
    pid: child.pid as number,
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

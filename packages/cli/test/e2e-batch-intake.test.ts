import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJsonCli, writeTracks } from './support/batch.ts';
import { runCli } from './support/cli.ts';
import { providerEnvironment, testEmulator } from './support/emulator.ts';

let work: string;
let emulator: RunningEmulator;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-intake-'));
  emulator = await testEmulator();
});

afterAll(async () => {
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('stemkit batch: intake', () => {
  it('tells intake as JSON events (checked, then queued of the total) and writes the report from the ledger', async () => {
    const folder = join(work, 'tracks');
    writeTracks(folder, 3);
    const manifest = join(folder, 'manifest.jsonl');
    writeFileSync(
      manifest,
      ['track-000', 'track-001', 'track-002']
        .map((name) => JSON.stringify({ source: `${name}.wav` }))
        .join('\n'),
    );
    const out = join(work, 'out');
    const run = await startJsonCli(
      ['batch', manifest, '--out', out, '--stems', 'vocals', '--json'],
      providerEnvironment(emulator, 'sourcere'),
    ).done;
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const intake = events.filter((event) => event.event === 'intake');
    expect(intake[0]).toEqual({ event: 'intake', phase: 'checking', rows: 3 });
    expect(intake.at(-1)).toEqual({ event: 'intake', phase: 'queueing', rows: 3, total: 3 });
    expect(events.at(-1)).toMatchObject({ event: 'summary', tracks: 3, done: 3 });
    const report = readFileSync(join(out, 'batch-report.jsonl'), 'utf8').trim().split('\n');
    expect(report.map((line) => (JSON.parse(line) as { track: string }).track).sort()).toEqual([
      'track-000',
      'track-001',
      'track-002',
    ]);
  }, 120_000);

  it('refuses hostile names up front with exit 2, the NUL one included, and a name taking a --report path', async () => {
    const manifest = join(work, 'hostile.jsonl');
    writeFileSync(
      manifest,
      [
        '{"source": "a.wav", "name": "nul\\u0000name"}',
        '{"source": "b.wav", "name": ".stemkit-batch/owner.lock"}',
        '{"source": "c.wav", "name": "batch-report.csv"}',
        '{"source": "d.wav", "name": "x"}',
        '{"source": "e.wav", "name": "x/vocals.wav"}',
        '{"source": "f.wav", "name": "reports/latest.csv"}',
      ].join('\n'),
    );
    const out = join(work, 'hostile-out');
    const run = await runCli(['batch', manifest, '--out', out, '--report', join(out, 'reports', 'latest')], {
      environment: providerEnvironment(emulator, 'sourcere'),
    });
    expect(run.code, run.stderr).toBe(2);
    for (const line of ['line 1: name', 'line 2: name', 'line 3: name', 'line 5', 'line 6: name']) {
      expect(run.stderr).toContain(line);
    }
    expect(run.stderr).not.toMatch(/unsupported Unicode escape/);
    expect(existsSync(join(out, '.stemkit-batch'))).toBe(false);
  });
});

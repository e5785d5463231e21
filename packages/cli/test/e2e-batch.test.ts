import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportLines, startJsonCli, writeTracks } from './support/batch.ts';
import { runCli } from './support/cli.ts';
import { providerEnvironment, testEmulator } from './support/emulator.ts';

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-e2e-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('stemkit batch: the rate limit', () => {
  it('keeps under the Tasks API limit: no 429 after the first second, within 20 % of the ideal time', async () => {
    const LIMIT = 10;
    const answers: Array<{ status: number; at: number }> = [];
    const emulator = await testEmulator({
      tasksRateLimit: LIMIT,
      onResponse: (event) => {
        if (event.path.startsWith('/audioshake/tasks')) answers.push(event);
      },
    });
    try {
      writeTracks(join(work, 'rate'), 60);
      const run = await startJsonCli(
        [
          'batch',
          join(work, 'rate'),
          '--out',
          join(work, 'rate-out'),
          '--stems',
          'vocals',
          '--concurrency',
          '16',
          '--rate-limit',
          String(LIMIT * 0.95),
          '--json',
        ],
        providerEnvironment(emulator, 'audioshake'),
      ).done;
      expect(run.code, run.stderr).toBe(0);
    } finally {
      await emulator.close();
    }
    const first = answers[0]?.at ?? 0;
    const last = answers.at(-1)?.at ?? 0;
    const late429 = answers.filter((answer) => answer.status === 429 && answer.at > first + 1_000);
    // The ideal: every request the batch needed, at exactly the limit, back to back.
    const ideal = ((answers.length - 1) / LIMIT) * 1_000;
    const ratio = (last - first) / ideal;
    console.info(
      `rate limit ${LIMIT}/s: ${answers.length} requests, ${answers.filter((answer) => answer.status === 429).length} × 429 ` +
        `(${late429.length} after the first second), ${((last - first) / 1000).toFixed(1)} s = ${ratio.toFixed(2)} × ideal`,
    );
    expect(late429).toEqual([]);
    expect(ratio).toBeLessThanOrEqual(1.2);
    // The batch was held by the limit (it would go faster without): the figure above is about the limiter.
    expect(ratio).toBeGreaterThanOrEqual(0.95);
  }, 300_000);
});

describe('stemkit batch: bad input', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await testEmulator();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it('fails the bad tracks with their reasons in the report, and finishes the rest', async () => {
    const folder = join(work, 'bad');
    writeTracks(folder, 2);
    writeFileSync(join(folder, 'notes.wav'), 'these are liner notes, not audio\n'.repeat(20));
    // Unreadable as a file even for root: a folder where the manifest says a file is.
    mkdirSync(join(folder, 'folder.wav'));
    const manifest = join(folder, 'manifest.jsonl');
    writeFileSync(
      manifest,
      [
        { source: 'track-000.wav' },
        { source: 'missing.wav' },
        { source: 'folder.wav' },
        { source: 'notes.wav' },
        { source: 'track-001.wav', name: 'guitar', stems: ['guitar'] },
        { source: 'track-001.wav', name: 'ogg', formats: ['ogg'] },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    const out = join(work, 'bad-out');
    const run = await startJsonCli(
      ['batch', manifest, '--out', out, '--stems', 'vocals', '--json'],
      providerEnvironment(emulator, 'sourcere'),
    ).done;
    expect(run.code, run.stderr).toBe(4);
    const byTrack = Object.fromEntries(reportLines(out).map((line) => [line.track, line]));
    expect(byTrack['track-000']?.status, JSON.stringify(byTrack, null, 1)).toBe('done');
    for (const bad of ['missing', 'folder', 'notes', 'guitar', 'ogg']) {
      expect(byTrack[bad]?.status, bad).toBe('failed');
      expect(String(byTrack[bad]?.error).length, bad).toBeGreaterThan(10);
    }
    expect(byTrack.missing?.error).toMatch(/not a readable file/);
    expect(byTrack.notes?.error).toMatch(/upload|audio|decode/i);
    expect(byTrack.guitar?.error).toMatch(/guitar/);
    expect(byTrack.ogg?.error).toMatch(/ogg/);
    // The CSV opens in a spreadsheet: a header and one row per track.
    const csv = readFileSync(join(out, 'batch-report.csv'), 'utf8').split('\r\n').filter(Boolean);
    expect(csv).toHaveLength(7);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = events.at(-1);
    expect(summary).toMatchObject({ event: 'summary', ok: false, tracks: 6, done: 1, failed: 5 });
    // Off a terminal too, every event says how far the batch is.
    const fractions = events.filter((event) => event.event === 'track').map((event) => event.fraction);
    expect(fractions.every((fraction) => typeof fraction === 'number')).toBe(true);
    expect(fractions.at(-1)).toBe(1);
  }, 120_000);

  it('rejects a malformed manifest up front, naming its lines, and queues nothing', async () => {
    const manifest = join(work, 'malformed.jsonl');
    writeFileSync(
      manifest,
      [
        '{"source": "a.wav"}',
        '{"source": "b.wav", "stem": ["vocals"]}',
        'not json',
        '{"stems": ["vocals"]}',
      ].join('\n'),
    );
    const out = join(work, 'malformed-out');
    const run = await runCli(['batch', manifest, '--out', out], {
      environment: providerEnvironment(emulator, 'sourcere'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/line 2: stem/);
    expect(run.stderr).toMatch(/line 3: is not valid JSON/);
    expect(run.stderr).toMatch(/line 4: source/);
    expect(run.stderr).not.toMatch(/line 1/);
    expect(existsSync(out)).toBe(false);

    const csv = join(work, 'malformed.csv');
    writeFileSync(csv, 'source,stems,colour\na.wav,vocals,blue\n');
    const csvRun = await runCli(['batch', csv, '--out', out], {
      environment: providerEnvironment(emulator, 'sourcere'),
    });
    expect(csvRun.code).toBe(2);
    expect(csvRun.stderr).toMatch(/line 1.*colour/);
  });
});

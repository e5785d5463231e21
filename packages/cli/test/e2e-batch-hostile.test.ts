import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJsonCli, writeTracks } from './support/batch.ts';
import { runCli, startCli } from './support/cli.ts';
import { providerEnvironment, testEmulator } from './support/emulator.ts';

// Hostile input against `stemkit batch` (issue #26) and its papercuts (issue #25), over the emulator on
// loopback, through the built binary.

let work: string;
let emulator: RunningEmulator;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stemkit-batch-hostile-'));
  emulator = await testEmulator({ dataDir: join(work, 'emulator') });
});

afterAll(async () => {
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The lines of a `--json` run's stdout that are JSON objects (an error document spans several lines). */
function jsonDocuments(stdout: string): Array<Record<string, unknown>> {
  const documents: Array<Record<string, unknown>> = [];
  let buffer = '';
  for (const line of stdout.split('\n')) {
    buffer += `${line}\n`;
    try {
      documents.push(JSON.parse(buffer) as Record<string, unknown>);
      buffer = '';
    } catch {
      // An object over several lines: read on.
    }
  }
  return documents;
}

describe('stemkit batch: hostile names and folders', () => {
  it('terminal escape sequences in file names reach the screen escaped', async () => {
    const folder = join(work, 'escapes');
    mkdirSync(folder, { recursive: true });
    const evil = 'evil\u001b]0;pwned\u0007\u001b[2J\u202e';
    // Its name is printed in the refusal line; a link beside it is skipped.
    writeFileSync(join(folder, `${evil}.wav`), 'not audio at all\n'.repeat(64));
    symlinkSync('/etc/hostname', join(folder, `${evil}-link.wav`));
    writeTracks(folder, 1);
    const run = await runCli(['batch', folder, '--out', join(work, 'escapes-out'), '--stems', 'vocals'], {
      environment: providerEnvironment(emulator, 'sourcere'),
    });
    // A name with control characters is refused up front (exit 2, nothing queued), and named escaped.
    expect(run.code, run.stderr).toBe(2);
    const screen = run.stdout + run.stderr;
    for (const character of ['\u001b', '\u0007', '\u202e']) expect(screen).not.toContain(character);
    expect(run.stderr).toContain(
      'evil\\x1b]0;pwned\\x07\\x1b[2J\\u202e.wav: must not contain control characters',
    );
  }, 120_000);

  it('symlinked files in a batch folder are named once each and counted in the summary', async () => {
    const folder = join(work, 'links');
    writeTracks(folder, 1);
    writeFileSync(join(folder, 'cover.jpg'), 'x');
    symlinkSync('/proc/self/environ', join(folder, 'environ.wav'));
    symlinkSync(join(folder, 'track-000.wav'), join(folder, 'copy.wav'));
    const run = await runCli(
      ['batch', folder, '--out', join(work, 'links-out'), '--stems', 'vocals', '--json'],
      { environment: providerEnvironment(emulator, 'sourcere') },
    );
    expect(run.code, run.stderr).toBe(0);
    const [summary, ...more] = jsonDocuments(run.stdout).filter((line) => line.event === 'summary');
    expect(more).toEqual([]);
    expect(summary).toMatchObject({
      tracks: 1,
      done: 1,
      skipped: {
        count: 3,
        byReason: { 'symbolic link': 2, 'not audio': 1 },
        named: expect.arrayContaining([
          { path: 'environ.wav', reason: 'symbolic link' },
          { path: 'copy.wav', reason: 'symbolic link' },
        ]),
      },
    });
    const human = await runCli(['batch', folder, '--out', join(work, 'links-out'), '--stems', 'vocals'], {
      environment: providerEnvironment(emulator, 'sourcere'),
    });
    expect(human.stderr.match(/skipped environ\.wav: a symbolic link/g)).toHaveLength(1);
    expect(human.stderr).toMatch(/skipped 3 folder entries: 2 symbolic link, 1 not audio/);
  }, 120_000);
});

describe('stemkit batch: a deleted or damaged ledger', () => {
  it('deleting .stemkit-batch re-bills nothing: refused naming --adopt-existing, then adopted; a rerun reports no nonsense rate', async () => {
    const folder = join(work, 'adopt');
    writeTracks(folder, 3);
    const out = join(work, 'adopt-out');
    const environment = providerEnvironment(emulator, 'audioshake');
    const args = ['batch', folder, '--out', out, '--stems', 'vocals'];
    const first = await runCli(args, { environment });
    expect(first.code, first.stderr).toBe(0);
    const jobs = () => jobIds(emulator);
    const before = await jobs();

    // A finished batch run again: its tracks came out at once, and no rate is made of that.
    const again = await runCli(args, { environment });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/3 done \(3 by an earlier run\)/);
    expect(again.stderr).not.toMatch(/\/min|ETA/);

    rmSync(join(out, '.stemkit-batch'), { recursive: true });
    const refused = await runCli(args, { environment });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already holds output files of 3 tracks its ledger does not know/);
    expect(refused.stderr).toMatch(/--adopt-existing/);
    expect(refused.stderr).toMatch(/--redo-existing/);
    const adopted = await runCli([...args, '--adopt-existing', '--json'], { environment });
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(jsonDocuments(adopted.stdout).at(-1)).toMatchObject({ event: 'summary', done: 3, adopted: 3 });
    // No provider job was started by either run.
    expect(await jobs()).toEqual(before);
  }, 180_000);

  it('a damaged ledger is named as damaged, with how to start over', async () => {
    const folder = join(work, 'damaged');
    writeTracks(folder, 1);
    const out = join(work, 'damaged-out');
    const environment = providerEnvironment(emulator, 'sourcere');
    const first = await runCli(['batch', folder, '--out', out, '--stems', 'vocals'], { environment });
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(join(out, '.stemkit-batch', 'pgdata', 'global', 'pg_control'), Buffer.alloc(8192, 7));
    const run = await runCli(['batch', folder, '--out', out, '--stems', 'vocals'], { environment });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the batch ledger in ${join(out, '.stemkit-batch')} is damaged`);
    expect(run.stderr).toMatch(/to start over, move that folder away \(or delete it\)/);
    expect(run.stderr).not.toMatch(/PGlite|initialize properly/);
  }, 120_000);
});

describe('stemkit batch: papercuts', () => {
  for (const provider of ['audioshake', 'audioshake-legacy'] as const) {
    it(`--format m4a --residual converts on this machine on ${provider}, with no SDK advice`, async () => {
      const folder = join(work, `m4a-${provider}`);
      writeTracks(folder, 1, 0.5);
      const out = join(work, `m4a-${provider}-out`);
      const run = await runCli(
        ['batch', folder, '--out', out, '--stems', 'vocals', '--format', 'm4a', '--residual'],
        { environment: providerEnvironment(emulator, provider) },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(readdirSync(join(out, 'track-000')).sort()).toEqual(['vocals.m4a', 'vocals_residual.m4a']);
      expect(run.stdout + run.stderr).not.toMatch(/\{ ?format|download with/);
    }, 120_000);
  }

  it('--watch shows no ETA, and Ctrl-C ends it with exit 130 and one JSON result', async () => {
    const folder = join(work, 'watch');
    writeTracks(folder, 2);
    const out = join(work, 'watch-out');
    const environment = providerEnvironment(emulator, 'sourcere');
    const human = startCli(['batch', folder, '--watch', '--out', out, '--stems', 'vocals'], { environment });
    // The progress line is shown at the first move (with an ETA before), and the files land.
    await until(
      () =>
        /batch: .*queued/.test(human.stderrSoFar()) &&
        existsSync(join(out, 'track-000', 'vocals.wav')) &&
        existsSync(join(out, 'track-001', 'vocals.wav')),
      human.done,
    );
    human.child.kill('SIGINT');
    const ended = await human.done;
    expect(ended.code, ended.stderr).toBe(130);
    expect(ended.stderr).not.toMatch(/ETA/);
    expect(ended.stdout).toMatch(/\d tracks: \d done, 0 failed .*interrupted/);

    writeTracks(join(folder, 'more'), 1);
    const json = startJsonCli(
      ['batch', folder, '--watch', '--out', out, '--stems', 'vocals', '--json'],
      environment,
    );
    await json.until((line) => line.event === 'track' && line.counts?.done === 3);
    // Every track was done by then, whichever run finished it.
    json.child.kill('SIGINT');
    const result = await json.done;
    expect(result.code, result.stderr).toBe(130);
    const results = jsonDocuments(result.stdout).filter(
      (line) => line.event !== 'track' && line.event !== 'intake',
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ event: 'summary', ok: false, interrupted: true, done: 3 });
  }, 120_000);

  it('batch --queue working the queue refuses local sources without --sources, before anything runs', async () => {
    const folder = join(work, 'no-sources');
    writeTracks(folder, 1);
    const run = await runCli(
      ['batch', folder, '--out', join(work, 'no-sources-out'), '--queue', 'postgres://127.0.0.1:1/x'],
      { environment: providerEnvironment(emulator, 'audioshake') },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/reads local files only inside --sources: pass --sources/);
  }, 60_000);

  it('an unreachable queue names PostgreSQL', async () => {
    const port = await freePort();
    const folder = join(work, 'unreachable');
    writeTracks(folder, 1);
    const run = await runCli(
      [
        'batch',
        folder,
        '--out',
        join(work, 'unreachable-out'),
        '--queue',
        `postgres://stemkit:hunter2-secret@127.0.0.1:${port}/stemkit`,
        '--concurrency',
        '0',
      ],
      { environment: providerEnvironment(emulator, 'audioshake') },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`error: cannot open the PostgreSQL queue at 127\\.0\\.0\\.1:${port}/stemkit`),
    );
    expect(run.stderr).not.toContain('hunter2');
  }, 60_000);
});

async function until(condition: () => boolean, ended: Promise<unknown>, timeoutMs = 90_000): Promise<void> {
  let over = false;
  void ended.then(() => {
    over = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (over) throw new Error('the process ended first');
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The Tasks and legacy jobs the emulator holds, by id, read through its API. */
async function jobIds(running: RunningEmulator): Promise<string[]> {
  const response = await fetch(`${running.tasks.baseUrl}/tasks?limit=100`, {
    headers: { 'x-api-key': running.tasks.apiKey },
  });
  const body = (await response.json()) as { tasks?: Array<{ id: string }> } | Array<{ id: string }>;
  const tasks = Array.isArray(body) ? body : (body.tasks ?? []);
  return tasks.map((task) => task.id).sort();
}

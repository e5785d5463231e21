import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

// The embedded ledger's premise, checked: a PGlite folder survives SIGKILL at any moment of writing, and keeps
// every commit that returned before the kill. (PGlite does not fsync: an OS crash or power cut is another
// matter, which docs/batch.md says.)
const writer = fileURLToPath(new URL('./support/pglite-writer.ts', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'stemkit-pglite-kill-'));

afterAll(() => rmSync(folder, { recursive: true, force: true }));

it('keeps every acknowledged commit through repeated SIGKILLs mid-write', async () => {
  const dataDir = join(folder, 'data');
  let acknowledged = 0;
  for (let round = 0; round < 6; round++) {
    const child = spawn(process.execPath, ['--experimental-strip-types', writer, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
    });
    let buffer = '';
    let start: number | undefined;
    let seen = 0;
    // A random moment among the writes, once some have landed.
    const killAfter = 50 + Math.floor(Math.random() * 400);
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const [kind, value] = line.split(' ');
          if (kind === 'start') start = Number(value);
          if (kind === 'ok') {
            acknowledged = Number(value);
            seen += 1;
            if (seen === killAfter) child.kill('SIGKILL');
          }
        }
      });
      child.on('exit', () => resolve());
    });
    // The restart sees at least every row whose commit was acknowledged (one more may have landed unreported).
    expect(
      start,
      `round ${round}: ${errors
        .split('\n')
        .filter((line) => !line.startsWith('import'))
        .join('\n')
        .slice(-3000)}`,
    ).toBeDefined();
    if (round > 0) expect(start).toBeGreaterThanOrEqual(previous);
    previous = acknowledged;
  }
  expect(acknowledged).toBeGreaterThan(250);
}, 300_000); // six PGlite start-ups: minutes on a loaded two-core machine

let previous = 0;

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sampleWav } from '@stemkit/testing';
import { type CliRun, startCli } from './cli.ts';

/** Writes `count` distinct short tones into `folder` as `track-000.wav`…. */
export function writeTracks(folder: string, count: number, seconds = 0.2): void {
  mkdirSync(folder, { recursive: true });
  for (let index = 0; index < count; index++) {
    const path = join(folder, `track-${String(index).padStart(3, '0')}.wav`);
    writeFileSync(path, sampleWav({ seconds, frequency: 110 + index * 7 }));
  }
}

/** One `--json` line of `stemkit batch`. */
export interface BatchLine {
  readonly event: 'track' | 'summary';
  readonly key?: string;
  readonly state?: string;
  readonly counts?: { total: number; queued: number; running: number; done: number; failed: number };
  readonly [field: string]: unknown;
}

/** A `stemkit … --json` process whose JSON lines are read as they come. */
export function startJsonCli(args: readonly string[], environment: Record<string, string>) {
  const run = startCli(args, { environment });
  const lines: BatchLine[] = [];
  let buffer = '';
  run.child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const complete = buffer.split('\n');
    buffer = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.trim()) continue;
      try {
        lines.push(JSON.parse(line) as BatchLine);
      } catch {
        // An error document is printed over several lines: kept as text, shown when the test fails.
        lines.push({ event: 'text', text: line } as unknown as BatchLine);
      }
    }
  });
  return {
    ...run,
    lines,
    /**
     * Resolves `true` once `predicate` holds for a line. If the process ends first: resolves `false` with
     * `orEnd`, rejects without it.
     */
    async until(
      predicate: (line: BatchLine) => boolean,
      { orEnd = false, timeoutMs = 120_000 } = {},
    ): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      let ended = false;
      void run.done.then(() => {
        ended = true;
      });
      while (!lines.some(predicate)) {
        if (ended && orEnd) return false;
        if (ended) throw new Error(`ended first: ${run.stderrSoFar().slice(-2000)}`);
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for a line: ${run.stderrSoFar().slice(-2000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return true;
    },
  };
}

/** Provider jobs the emulator created, from the state it wrote in `dataDir` (read after `close`). */
export function createdJobs(dataDir: string): { sourcere: number; legacy: number; tasks: number } {
  const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as Record<string, object>;
  const count = (value: object | undefined) => Object.keys(value ?? {}).length;
  return { sourcere: count(state.separations), legacy: count(state.legacyJobs), tasks: count(state.tasks) };
}

/**
 * The provider jobs the emulator holds (read after `close`), by the id the batch reports, each with the metadata
 * the batch sent with it (Sourcere's `customMetadata`, legacy `customProperty`, the Tasks `metadata`).
 */
export function jobMarkers(dataDir: string): Map<string, string | undefined> {
  const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as {
    separations?: Record<string, { customMetadata?: string }>;
    legacyJobs?: Record<string, { metadata?: { customProperty?: string } }>;
    tasks?: Record<string, { metadata?: string }>;
  };
  const markers = new Map<string, string | undefined>();
  for (const [id, job] of Object.entries(state.separations ?? {})) markers.set(id, job.customMetadata);
  for (const [id, job] of Object.entries(state.legacyJobs ?? {}))
    markers.set(id, job.metadata?.customProperty);
  for (const [id, job] of Object.entries(state.tasks ?? {})) markers.set(id, job.metadata);
  return markers;
}

/** The sha-256 of every output file under a batch's `out` (the ledger and the reports left out). */
export function outputHashes(out: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const entry of readdirSync(out, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const name = relative(out, path);
    if (!entry.isFile() || name.startsWith('.stemkit-batch') || name.startsWith('batch-report')) continue;
    hashes[name] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return hashes;
}

/** The report's lines. */
export function reportLines(out: string): Array<Record<string, unknown>> {
  return readFileSync(join(out, 'batch-report.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export type { CliRun };

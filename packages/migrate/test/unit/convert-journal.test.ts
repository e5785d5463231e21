import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  convertLegacyCallback,
  convertLegacyJob,
  Journal,
  migrationKeyOf,
  taskMetadata,
} from '../../src/index.ts';
import { fixture } from '../support/fixtures.ts';

const completed = {
  job: {
    id: 'clksrfob8000bf7of6xkscy8m',
    requestId: 'clksrfob8000bf7of6xkscy8m',
    clientId: 'client-1',
    status: 'completed',
    startedAt: '2023-08-01T20:37:07.839Z',
    metadata: { format: 'wav', name: 'instrumental', preview: true },
    sourceAsset: { name: 'song.mp3', id: 'clksq2o6c1506f7ofcyvzpdh8', fileType: 'audio/mpeg', format: 'mp3' },
    outputAssets: [
      {
        name: 'instrumental.wav',
        id: 'clksrg52j2319f7of26wleinn1',
        fileType: 'audio/wav',
        format: 'wav',
        link: 'https://cdn.example/x',
      },
    ],
  },
};

describe('converting stored legacy payloads', () => {
  it('turns a Job into a neutral job and a Tasks record, listing what each drops', () => {
    const converted = convertLegacyJob(completed);
    expect(converted.neutral).toMatchObject({
      status: 'succeeded',
      targets: [{ stem: 'instrumental', outputs: [{ name: 'instrumental.wav', role: 'stem' }] }],
    });
    expect(converted.task.task.targets?.[0]).toMatchObject({
      model: 'instrumental',
      status: 'completed',
      output: [{ name: 'instrumental', format: 'wav' }],
    });
    expect(converted.droppedFromTask.map((field) => field.field)).toContain('startedAt');
    expect(converted.droppedFromNeutral.map((field) => field.field)).toContain('metadata.preview');
  });

  it('lists the fields of the seed separation job that only the neutral job keeps, in `raw`', () => {
    const converted = convertLegacyJob(fixture('seed-003/completed-separation-job.json'));
    expect(converted.droppedFromNeutral.map((field) => field.field)).toEqual([
      'clientId',
      'requestId',
      'callbackUrl',
    ]);
  });

  it('reads a callback body as text, wrapped or bare', () => {
    expect(convertLegacyCallback(JSON.stringify(completed)).neutral.id).toBe('clksrfob8000bf7of6xkscy8m');
    expect(convertLegacyCallback(completed.job).task.taskId).toBe('clksrfob8000bf7of6xkscy8m');
    // A body that is not JSON is the caller's bad input, a typed error naming it.
    expect(() => convertLegacyCallback('<html>not json</html>')).toThrow(
      expect.objectContaining({ code: 'invalid-argument', field: 'body' }),
    );
  });

  it('carries the plan key in task metadata and reads it back', () => {
    const metadata = taskMetadata('m-1', { vocals: 'order-7' });
    expect(JSON.parse(metadata)).toEqual({ stemkitMigration: 'm-1', customProperty: { vocals: 'order-7' } });
    expect(migrationKeyOf(metadata)).toBe('m-1');
    expect(migrationKeyOf('{"vocals":"x"}')).toBeUndefined();
    expect(migrationKeyOf('not json stemkitMigration')).toBeUndefined();
  });
});

describe('the apply journal', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'stemkit-journal-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('drops a line torn by a kill, keeps what came before, and refuses another plan', async () => {
    const path = join(directory, 'journal.jsonl');
    const journal = await Journal.open(path, 'plan-a');
    await journal.append({ type: 'intent', key: 'k1', at: '2026-11-22T00:00:00.000Z' });
    await journal.append({
      type: 'created',
      key: 'k1',
      taskId: 't1',
      targets: [{ id: 'x', stem: 'vocals' }],
      at: '2026-11-22T00:00:01.000Z',
    });
    await journal.append({ type: 'intent', key: 'k2', at: '2026-11-22T00:00:02.000Z' });
    await journal.close();
    await writeFile(path, `${await readFile(path, 'utf8')}{"type":"created","key":"k2","ta`);
    const reopened = await Journal.open(path, 'plan-a');
    expect(reopened.state('k1').created?.taskId).toBe('t1');
    expect(reopened.pending()).toEqual([{ key: 'k2', since: '2026-11-22T00:00:02.000Z' }]);
    await reopened.append({
      type: 'rejected',
      key: 'k2',
      message: 'bad source',
      at: '2026-11-22T00:00:03.000Z',
    });
    await reopened.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).type)).toEqual([
      'begin',
      'intent',
      'created',
      'intent',
      'rejected',
    ]);
    await expect(Journal.open(path, 'plan-b')).rejects.toThrow(/belongs to plan plan-a/);
  });

  it('refuses a journal damaged anywhere but its last line', async () => {
    const path = join(directory, 'damaged.jsonl');
    await writeFile(
      path,
      '{"type":"begin","plan":"p","at":"x"}\nnot a record\n{"type":"intent","key":"k","at":"y"}\n',
    );
    await expect(Journal.open(path, 'p')).rejects.toThrow(/line 2 is not a journal record/);
  });
});

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrateCommand } from '../../src/commands/main.ts';
import { InputFileError, parseJobIdList, parseLegacyExport } from '../../src/index.ts';

const job = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    job: { id, assetId: 'clyxaywtp00ne0jpi4nf435dv', metadata: { name: 'vocals', format: 'wav' }, ...extra },
  });

function issuesOf(text: string) {
  try {
    parseLegacyExport(text, 'export.jsonl');
  } catch (error) {
    if (InputFileError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error('the export was accepted');
}

describe('reading a legacy export', () => {
  it('reads wrapped and bare jobs, skipping blank lines, with their line numbers', () => {
    const bare = JSON.stringify({
      id: 'job-bare-1',
      sourceAsset: { id: 'clyxaywtp00ne0jpi4nf435dv' },
      stemMetadata: { stemName: 'drums', format: 'wav' },
    });
    const { jobs } = parseLegacyExport(`${job('job-one-1')}\n\n${bare}\n`);
    expect(jobs.map((each) => [each.line, each.job.id])).toEqual([
      [1, 'job-one-1'],
      [3, 'job-bare-1'],
    ]);
  });

  it('rejects the whole file and names every bad line: bad JSON, no id, no source, no model, repeats', () => {
    const text = [
      job('job-one-1'),
      '{"job": {"id": "job-two-2", ',
      JSON.stringify({ job: { assetId: 'clyxaywtp00ne0jpi4nf435dv', metadata: { name: 'vocals' } } }),
      JSON.stringify({ job: { id: 'job-three', metadata: { name: 'vocals', format: 'wav' } } }),
      JSON.stringify({ job: { id: 'job-four', assetId: 'clyxaywtp00ne0jpi4nf435dv' } }),
      job('job-one-1'),
      '[1, 2]',
      '',
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      { line: 2, message: 'not valid JSON' },
      { line: 3, message: expect.stringMatching(/^not a legacy Job: id/) },
      { line: 4, message: 'job job-three has no source (sourceAsset.id or assetId)' },
      { line: 5, message: 'job job-four has no model (metadata.name)' },
      { line: 6, message: 'job job-one-1 repeats line 1' },
      { line: 7, message: 'not a Job object' },
    ]);
  });

  it('calls a cut last line truncated, and an empty file empty', () => {
    const whole = `${job('job-one-1')}\n${job('job-two-2')}\n`;
    expect(issuesOf(whole.slice(0, whole.length - 20))).toEqual([
      { line: 2, message: 'truncated: the last line is cut short (not valid JSON, no closing newline)' },
    ]);
    expect(issuesOf('\n\n')).toEqual([{ line: 1, message: 'the file holds no job' }]);
  });

  it('reads id lists strictly', () => {
    expect(parseJobIdList('# jobs\nclksrfob8000bf7of6xkscy8m\n\nabc\n')).toEqual([
      'clksrfob8000bf7of6xkscy8m',
      'abc',
    ]);
    expect(() => parseJobIdList('ab\nok-id\nok-id\nbad id\n')).toThrow(
      /line 1: .*\n.*line 3: job ok-id is listed twice\n.*line 4/,
    );
  });
});

describe('stemkit migrate on a bad export', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'stemkit-migrate-unit-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('plans nothing from a truncated export and exits 2 with the line numbers', async () => {
    const path = join(directory, 'cut.jsonl');
    const whole = `${job('job-one-1')}\nnot json\n${job('job-two-2')}\n`;
    await writeFile(path, whole.slice(0, -15));
    const output = { stdout: '', stderr: '' };
    const io = {
      stdout: { write: (text: string) => (output.stdout += text) },
      stderr: { write: (text: string) => (output.stderr += text) },
      env: {},
    };
    const code = await runMigrateCommand(
      ['plan', '--export', path, '--out', join(directory, 'plan.json')],
      io,
    );
    expect(code).toBe(2);
    expect(output.stderr).toContain('line 2: not valid JSON');
    expect(output.stderr).toContain('line 3: truncated');
    await expect(stat(join(directory, 'plan.json'))).rejects.toThrow(/ENOENT/);
    expect(await runMigrateCommand(['convert', '--export', path], io)).toBe(2);
    expect(output.stdout).toBe('');
  });

  it('names a missing input file as a usage error', async () => {
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
    };
    const missing = join(directory, 'missing.jsonl');
    expect(
      await runMigrateCommand(['plan', '--export', missing, '--out', join(directory, 'p.json')], io),
    ).toBe(2);
    expect(stderr).toBe(`error: no such file: ${missing}\n`);
    expect(await runMigrateCommand(['plan', '--out', join(directory, 'p.json')], io)).toBe(2);
    expect(stderr).toContain('--export <jsonl> or --ids <file> is required');
    expect(await runMigrateCommand(['replan'], io)).toBe(2);
  });

  it('applies nothing from a truncated plan file', async () => {
    const path = join(directory, 'plan.json');
    await writeFile(path, '{"format":"stemkit-migration-plan/1","id":"p","tasks":[{"key":');
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
    };
    const args = [
      'apply',
      '--plan',
      path,
      '--journal',
      join(directory, 'j.jsonl'),
      '--mapping',
      join(directory, 'm.json'),
    ];
    expect(await runMigrateCommand(args, io)).toBe(2);
    expect(stderr).toContain('is not a JSON file');
    await expect(stat(join(directory, 'j.jsonl'))).rejects.toThrow(/ENOENT/);
  });

  it('converts a good export to Tasks records and neutral jobs', async () => {
    const path = join(directory, 'good.jsonl');
    await writeFile(
      path,
      `${job('job-one-1', { status: 'completed', callbackUrl: 'https://app.example/hook' })}\n`,
    );
    let stdout = '';
    const io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env: {},
    };
    expect(await runMigrateCommand(['convert', '--export', path, '--to', 'both'], io)).toBe(0);
    const [line] = stdout
      .trim()
      .split('\n')
      .map((each) => JSON.parse(each));
    expect(line.neutral).toMatchObject({
      id: 'job-one-1',
      status: 'succeeded',
      provider: 'audioshake-legacy',
    });
    expect(line.task).toMatchObject({
      taskId: 'job-one-1',
      targetId: 'job-one-1',
      task: { targets: [{ model: 'vocals', status: 'completed', formats: ['wav'] }] },
    });
    expect(await readFile(path, 'utf8')).toContain('job-one-1');
  });
});

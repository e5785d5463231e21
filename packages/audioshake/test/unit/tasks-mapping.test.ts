import { describe, expect, it } from 'vitest';
import { audioshakeTasks, TasksAssetSchema, taskOf, taskToNeutral } from '../../src/index.ts';
import { assetOf, LINK_LIFETIME_MS, tasksStatusToNeutral } from '../../src/tasks/to-neutral.ts';
import { fixture } from '../helpers/fixtures.ts';

/** Webhooks are read by the driver, as `stemkit.callbacks.parse` reads them. */
const tasks = audioshakeTasks({ apiKey: 'key' });

const FETCHED_AT = Date.parse('2026-01-15T10:05:00.000Z');

describe('taskToNeutral on the spec examples', () => {
  it('maps the real Tasks response: output name gains its extension, type is the MIME type, link expires in 1 h', () => {
    const job = taskToNeutral(fixture('spec/tasks-real-response.json'), FETCHED_AT);
    expect(job).toMatchObject({
      id: 'cmiytpb2y0004pfu6gbd73q22',
      provider: 'audioshake-tasks',
      status: 'succeeded',
      createdAt: '2025-12-09T16:57:11.766Z',
      updatedAt: '2025-12-09T16:57:11.766Z',
      handle: { contract: 1, provider: 'audioshake-tasks', id: 'cmiytpb2y0004pfu6gbd73q22' },
    });
    expect(job.targets).toHaveLength(1);
    expect(job.targets[0]).toMatchObject({
      id: 'cmiytpb2y0005pfu696z88ahb',
      stem: 'vocals',
      formats: ['mp3'],
      status: 'succeeded',
      options: { variant: 'high_quality' },
    });
    expect(job.targets[0]?.error).toBeUndefined();
    expect(job.targets[0]?.outputs).toEqual([
      {
        id: 'cmiytpb2y0005pfu696z88ahb/vocals_high_quality.mp3',
        name: 'vocals_high_quality.mp3',
        role: 'stem',
        stem: 'vocals',
        format: 'mp3',
        mimeType: 'audio/mpeg',
        url: 'https://<cdn>/…/vocals_high_quality.mp3?Expires=…',
        expiresAt: new Date(FETCHED_AT + LINK_LIFETIME_MS).toISOString(),
        provider: 'audioshake-tasks',
        raw: expect.objectContaining({ name: 'vocals_high_quality' }),
      },
    ]);
    expect(taskOf(job).targets?.map((target) => [target.cost, target.duration])).toEqual([[1.5, 9.485]]);
  });

  it('maps the webhook example: one target completed, one still processing → running', () => {
    const job = taskToNeutral(fixture('spec/tasks-webhook-example.json'), FETCHED_AT);
    expect(job.status).toBe('running');
    expect(job.completedAt).toBeUndefined();
    expect(
      job.targets.map((target) => [target.stem, target.status, target.outputs.map((output) => output.name)]),
    ).toEqual([
      ['bass', 'succeeded', ['bass.wav']],
      ['drums', 'running', []],
    ]);
    expect(job.targets[0]?.outputs[0]?.mimeType).toBe('audio/wav');
  });

  it('derives partial when targets finished with a mix of completed and error, and reads the error', () => {
    const task = fixture('spec/tasks-webhook-example.json');
    const targets = task.targets as Array<Record<string, unknown>>;
    Object.assign(targets[1] as object, {
      status: 'error',
      error: { code: 500, message: 'separation failed' },
    });
    const job = taskToNeutral({ ...task, completedAt: '2026-01-15T10:04:00.000Z' }, FETCHED_AT);
    expect(job.status).toBe('partial');
    expect(job.completedAt).toBe('2026-01-15T10:04:00.000Z');
    expect(job.targets[1]?.error).toEqual({ code: 500, message: 'separation failed' });
  });

  it.each([
    ['processing', 'running'],
    ['completed', 'succeeded'],
    ['error', 'failed'],
    ['failed', 'failed'],
    ['created', 'queued'],
    [undefined, 'running'],
  ] as const)('maps target status %s to %s', (status, expected) => {
    expect(tasksStatusToNeutral(status)).toBe(expected);
  });

  it('names a source given by URL after the URL and one given by asset after its id', () => {
    const byUrl = taskToNeutral({
      id: 't',
      url: 'https://demos.audioshake.ai/demo-assets/shakeitup.mp3',
      targets: [],
    });
    expect(byUrl.source).toMatchObject({
      name: 'shakeitup.mp3',
      format: 'mp3',
      url: expect.any(String),
    });
    const byAsset = taskToNeutral({ id: 't', assetId: 'cmkd41zsb019001pvdcdg13ec', targets: [] });
    expect(byAsset.source).toMatchObject({ id: 'cmkd41zsb019001pvdcdg13ec', role: 'source' });
  });

  it('marks residual outputs and text outputs by role', () => {
    const job = taskToNeutral({
      id: 't',
      targets: [
        {
          id: 'a',
          model: 'drums',
          status: 'completed',
          output: [
            { name: 'drums', format: 'mp3' },
            { name: 'drums_residual', format: 'mp3' },
          ],
        },
        {
          id: 'b',
          model: 'transcription',
          status: 'completed',
          output: [{ name: 'transcription', format: 'srt' }],
        },
      ],
    });
    expect(
      job.targets.flatMap((target) => target.outputs.map((output) => [output.name, output.role])),
    ).toEqual([
      ['drums.mp3', 'stem'],
      ['drums_residual.mp3', 'residual'],
      ['transcription.srt', 'transcript'],
    ]);
    expect(job.targets[1]?.outputs[0]?.mimeType).toBe('application/x-subrip');
  });

  it('rejects a task without an id', () => {
    expect(() => taskToNeutral({ targets: [] })).toThrow(
      expect.objectContaining({ code: 'invalid-response' }),
    );
  });
});

describe('Tasks assets', () => {
  it('maps the spec asset; it expires 72 h after upload', () => {
    const uploadedAt = Date.parse('2026-01-15T10:00:00.000Z');
    expect(assetOf(TasksAssetSchema.parse(fixture('spec/tasks-asset.json')), uploadedAt)).toEqual({
      id: 'cmkd41zsb019001pvdcdg13ec',
      name: 'test.mp3',
      role: 'source',
      format: 'mp3',
      mimeType: 'audio/mpeg',
      url: 'https://cdn.audioshake.ai/.../sourcefile?...',
      expiresAt: '2026-01-18T10:00:00.000Z',
      provider: 'audioshake-tasks',
      raw: fixture('spec/tasks-asset.json'),
    });
  });
});

describe('webhooks', () => {
  it('reads the webhook example as a handle of the task, with the derived status as event', () => {
    const hint = tasks.parseCallback({
      headers: new Headers(),
      body: fixture('spec/tasks-webhook-example.json'),
    });
    expect(hint).toEqual({
      handle: { contract: 1, provider: 'audioshake-tasks', id: 'cmwebhookexample0000000001' },
      event: 'running',
      claimedStatus: 'running',
    });
  });

  it('accepts the body as JSON text', () => {
    const body = JSON.stringify(fixture('spec/tasks-real-response.json'));
    expect(tasks.parseCallback({ headers: new Headers(), body }).event).toBe('succeeded');
  });

  it('refuses text that is not JSON with InvalidArgumentError, not a SyntaxError (found by fuzzing)', () => {
    for (const body of ['', '<html>502</html>', '{"truncated": [1']) {
      expect(() => tasks.parseCallback({ headers: new Headers(), body })).toThrow(
        expect.objectContaining({ code: 'invalid-argument', field: 'body' }),
      );
    }
  });
});

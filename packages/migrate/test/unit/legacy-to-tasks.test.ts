import { type LegacyJobRequest, taskToNeutral } from '@stemkit/audioshake';
import { describe, expect, it } from 'vitest';
import {
  legacyAssetToTaskAsset,
  legacyJobRequestToTarget,
  legacyJobToTaskRecord,
  legacyModelToTaskModel,
  legacyRequestsToTasks,
  legacyRouteToTasks,
  legacyStatusToTaskStatus,
  legacyUsageToTaskStatistics,
} from '../../src/index.ts';
import { fixture } from '../support/fixtures.ts';

const ASSET = 'clyxaywtp00ne0jpi4nf435dv';

describe('routes', () => {
  it.each([
    ['POST', '/upload', 'POST', '/assets'],
    ['POST', '/upload/', 'POST', '/assets'],
    ['POST', '/upload/link', 'POST', '/tasks'],
    ['POST', '/upload/audio-link', 'POST', '/tasks'],
    ['POST', '/job', 'POST', '/tasks'],
    ['POST', '/job/', 'POST', '/tasks'],
    ['GET', '/job/clksrfob8000bf7of6xkscy8m', 'GET', '/tasks/{taskId}'],
    ['POST', '/usage', 'GET', '/tasks/statistics?name=usage'],
    ['GET', '/job/', 'GET', '/tasks?take=1'],
  ])('%s %s → %s %s', (method, path, tasksMethod, tasksPath) => {
    expect(legacyRouteToTasks(method, path).value).toMatchObject({ method: tasksMethod, path: tasksPath });
  });

  it('says what each route change implies: url instead of upload (name dropped), target selection, transcripts', () => {
    const link = legacyRouteToTasks('POST', '/upload/link');
    expect(link.value.note).toContain('`url`');
    expect(link.value.note).toContain('transcriptUrl');
    expect(link.dropped).toEqual([expect.objectContaining({ field: 'name' })]);
    expect(legacyRouteToTasks('POST', '/upload').value.note).toContain('transcriptAssetId');
    expect(legacyRouteToTasks('GET', '/job/abc').value.note).toContain('target.id');
    expect(legacyRouteToTasks('POST', '/usage').dropped).toEqual([
      expect.objectContaining({ field: 'clientId' }),
    ]);
    expect(() => legacyRouteToTasks('DELETE', '/job/abc')).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });
});

describe('request fields', () => {
  const map = (metadata: Record<string, unknown>, extra: Partial<LegacyJobRequest> = {}) =>
    legacyJobRequestToTarget({ assetId: ASSET, metadata, ...extra });

  it('maps the spec job request: assetId kept for re-upload, name → model, format → [format], callbackUrl dropped', () => {
    const { value, dropped } = legacyJobRequestToTarget(
      fixture('spec/legacy-job-request.json') as unknown as LegacyJobRequest,
    );
    expect(value).toEqual({ legacyAssetId: ASSET, target: { model: 'vocals', formats: ['wav'] } });
    expect(dropped).toEqual([
      { field: 'callbackUrl', reason: expect.stringContaining('account webhook'), behaviourChange: true },
    ]);
  });

  it('reads the older stemMetadata.stemName', () => {
    const { value } = legacyJobRequestToTarget({
      assetId: ASSET,
      stemMetadata: { stemName: 'drums', format: 'flac' },
    });
    expect(value.target).toEqual({ model: 'drums', formats: ['flac'] });
  });

  it('maps format `all` to json, txt and srt, and keeps mp4', () => {
    expect(map({ name: 'transcription', format: 'all' }).value.target.formats).toEqual([
      'json',
      'txt',
      'srt',
    ]);
    expect(map({ name: 'vocals', format: 'mp4' }).value.target.formats).toEqual(['mp4']);
  });

  it('copies language (omitting auto), residual and variant', () => {
    expect(map({ name: 'transcription', format: 'json', language: 'fr' }).value.target.language).toBe('fr');
    expect(map({ name: 'transcription', format: 'json', language: 'auto' }).value.target).not.toHaveProperty(
      'language',
    );
    expect(
      map({ name: 'dialogue', format: 'wav', residual: true, variant: 'high_quality' }).value.target,
    ).toMatchObject({
      residual: true,
      variant: 'high_quality',
    });
  });

  it('maps the otherSourceAssets transcript to transcriptAssetId and reports other kinds', () => {
    const { value, dropped } = map(
      { name: 'alignment', format: 'json' },
      {
        otherSourceAssets: [
          { id: 'lyrics1', type: 'transcription' },
          { id: 'x', type: 'lyrics-sheet' },
        ],
      },
    );
    expect(value.target.transcriptAssetId).toBe('lyrics1');
    expect(dropped).toEqual([
      expect.objectContaining({ field: 'otherSourceAssets.1', behaviourChange: true }),
    ]);
  });

  it('keeps customProperty for the task metadata map', () => {
    expect(map({ name: 'vocals', format: 'wav', customProperty: 'order-7' }).value.customProperty).toBe(
      'order-7',
    );
  });

  it.each([
    ['userSessionId', 's1', false],
    ['audioId', 'a1', false],
    ['licenseId', 'l1', false],
    ['maxTrackLength', 60, true],
    ['preview', true, true],
    ['watermarkInterval', 15, true],
    ['priority', 'high', false],
    ['failureTest', 500, false],
    ['isTestJob', true, false],
  ] as const)('drops metadata.%s (behaviour change: %s)', (field, value, behaviourChange) => {
    const { dropped } = map({ name: 'vocals', format: 'wav', [field]: value });
    expect(dropped).toEqual([{ field: `metadata.${field}`, reason: expect.any(String), behaviourChange }]);
  });
});

describe('consolidation', () => {
  it('groups by source, merges formats per target, keys customProperty by target, and keeps job → target', () => {
    const { value, dropped } = legacyRequestsToTasks(
      [
        { assetId: ASSET, metadata: { name: 'vocals', format: 'wav', customProperty: 'v' } },
        { assetId: ASSET, metadata: { name: 'vocals', format: 'mp3' } },
        { assetId: 'otherasset0001', metadata: { name: 'bass', format: 'wav' } },
        { assetId: ASSET, metadata: { name: 'vocals', format: 'wav', variant: 'high_quality' } },
        { assetId: ASSET, metadata: { name: 'drums', format: 'wav', customProperty: 'd' } },
      ],
      {
        sources: {
          [ASSET]: { url: 'https://example.com/song.mp3' },
          otherasset0001: { assetId: 'cmnewasset' },
        },
      },
    );
    expect(dropped).toEqual([]);
    expect(value).toEqual([
      {
        request: {
          url: 'https://example.com/song.mp3',
          targets: [
            { model: 'vocals', formats: ['wav', 'mp3'] },
            { model: 'vocals', formats: ['wav'], variant: 'high_quality' },
            { model: 'drums', formats: ['wav'] },
          ],
          metadata: JSON.stringify({ vocals: 'v', drums: 'd' }),
        },
        jobs: [
          { requestIndex: 0, targetIndex: 0 },
          { requestIndex: 1, targetIndex: 0 },
          { requestIndex: 3, targetIndex: 1 },
          { requestIndex: 4, targetIndex: 2 },
        ],
      },
      {
        request: { assetId: 'cmnewasset', targets: [{ model: 'bass', formats: ['wav'] }] },
        jobs: [{ requestIndex: 2, targetIndex: 0 }],
      },
    ]);
  });

  it('splits into tasks of at most maxTargets and reports a source without a Tasks replacement', () => {
    const requests = ['vocals', 'drums', 'bass', 'other', 'piano'].map((name) => ({
      assetId: ASSET,
      metadata: { name, format: 'wav' },
    }));
    const { value, dropped } = legacyRequestsToTasks(requests, { maxTargets: 2 });
    expect(value.map((task) => task.request.targets.map((target) => target.model))).toEqual([
      ['vocals', 'drums'],
      ['bass', 'other'],
      ['piano'],
    ]);
    expect(value[0]?.request.assetId).toBe(ASSET);
    expect(dropped).toEqual([expect.objectContaining({ field: 'assetId', behaviourChange: true })]);
  });

  it('reports a conflicting customProperty of merged jobs', () => {
    const { dropped } = legacyRequestsToTasks(
      [
        { assetId: ASSET, metadata: { name: 'vocals', format: 'wav', customProperty: 'a' } },
        { assetId: ASSET, metadata: { name: 'vocals', format: 'mp3', customProperty: 'b' } },
      ],
      { sources: { [ASSET]: { assetId: 'cmnew' } } },
    );
    expect(dropped).toEqual([expect.objectContaining({ field: '1.metadata.customProperty' })]);
  });
});

describe('response fields', () => {
  it('maps the completed separation job (seed 003) field by field', () => {
    const { value, dropped } = legacyJobToTaskRecord(fixture('seed-003/completed-separation-job.json'));
    expect(value).toEqual({
      taskId: 'clksrfob8000bf7of6xkscy8m',
      targetId: 'clksrfob8000bf7of6xkscy8m',
      task: {
        id: 'clksrfob8000bf7of6xkscy8m',
        createdAt: '2023-08-01T20:37:06.656Z',
        updatedAt: '2023-08-01T20:37:28.392Z',
        completedAt: '2023-08-01T20:37:28.392Z',
        clientId: '<YOUR CLIENT ID>',
        assetId: 'clksq2o6c1506f7ofcyvzpdh8',
        metadata: null,
        targets: [
          {
            id: 'clksrfob8000bf7of6xkscy8m',
            model: 'instrumental',
            status: 'completed',
            formats: ['wav'],
            output: [{ name: 'instrumental', format: 'wav', link: '<LINK TO FILE>', type: 'audio/wav' }],
            error: null,
            residual: null,
            language: null,
            variant: null,
            createdAt: '2023-08-01T20:37:06.656Z',
            updatedAt: '2023-08-01T20:37:28.392Z',
          },
        ],
      },
    });
    expect(dropped.map((field) => field.field)).toEqual([
      'startedAt',
      'callbackUrl',
      'sourceAsset.name',
      'sourceAsset.format',
      'sourceAsset.fileType',
      'outputAssets[].id',
    ]);
  });

  it('maps the transcription/alignment job; the record reads back as the same neutral outputs', () => {
    const { value } = legacyJobToTaskRecord(fixture('seed-003/completed-transcription-job.json'));
    expect(value.task.targets?.[0]).toMatchObject({ model: 'alignment', formats: ['json'] });
    expect(value.task.targets?.[0]?.output).toEqual([
      { name: 'transcription', format: 'json', link: '<LINK TO FILE>', type: 'application/json' },
    ]);
    const neutral = taskToNeutral(value.task);
    expect(neutral.targets[0]?.outputs.map((output) => output.name)).toEqual(['transcription.json']);
  });

  it('maps the created job: processing, no completedAt; statusInfo → error; residual output names; licenseId dropped', () => {
    const created = legacyJobToTaskRecord(fixture('seed-003/created-job.json'));
    expect(created.value.task.completedAt).toBeNull();
    expect(created.value.task.targets?.[0]?.status).toBe('processing');
    const failed = legacyJobToTaskRecord({
      job: {
        id: 'j1',
        requestId: 'r1',
        licenseId: 'lic1',
        status: 'failed',
        statusInfo: { code: 7, message: 'too long' },
        metadata: { name: 'dialogue', format: 'mp3', residual: true, customProperty: 'x' },
        outputAssets: [{ id: 'o', name: 'dialogue_residual.mp3', format: 'mp3' }],
      },
    });
    expect(failed.value.taskId).toBe('r1');
    expect(failed.value.task.metadata).toBe('x');
    expect(failed.value.task.targets?.[0]).toMatchObject({
      error: { code: 7, message: 'too long' },
      residual: true,
      output: [{ name: 'dialogue_residual', format: 'mp3', type: 'audio/mpeg' }],
    });
    expect(failed.dropped.map((field) => field.field)).toContain('licenseId');
  });

  it('maps the assets: fileType dropped', () => {
    expect(legacyAssetToTaskAsset(fixture('seed-003/asset.json'))).toEqual({
      value: { id: ASSET, name: 'audioshake-it-up', format: 'mp3', link: 'YOUR_AUDIO_FILE_LINK' },
      dropped: [expect.objectContaining({ field: 'fileType' })],
    });
  });

  it('maps legacy usage: totalJobs → totalTargets, clientId dropped', () => {
    expect(
      legacyUsageToTaskStatistics({
        clientId: 'c',
        usage: [{ month: '2026-01', totalJobs: 4, totalMinutes: 12.5 }],
      }),
    ).toEqual({
      value: [{ month: '2026-01', totalTargets: 4, totalMinutes: 12.5 }],
      dropped: [expect.objectContaining({ field: 'clientId' })],
    });
  });
});

describe('statuses and models', () => {
  it.each([
    ['created', 'processing', 1],
    ['processing', 'processing', 0],
    ['completed', 'completed', 0],
    ['failed', 'error', 0],
    ['error', 'error', 0],
    ['paused', 'processing', 1],
  ] as const)('legacy %s → Tasks %s', (legacy, tasks, droppedCount) => {
    const { value, dropped } = legacyStatusToTaskStatus(legacy);
    expect(value).toBe(tasks);
    expect(dropped).toHaveLength(droppedCount);
  });

  it.each([
    'vocals',
    'instrumental',
    'drums',
    'bass',
    'guitar',
    'piano',
    'wind',
    'other',
    'other-x-guitar',
    'dialogue',
    'music_fx',
    'music_removal',
    'music_detection',
    'transcription',
    'alignment',
    'multi_voice',
  ])('carries model %s over unchanged', (name) => {
    expect(legacyModelToTaskModel(name)).toEqual({ value: name, dropped: [] });
  });

  it.each(['music', 'speech'])('keeps the open question %s as is, reported as a behaviour change', (name) => {
    const { value, dropped } = legacyModelToTaskModel(name);
    expect(value).toBe(name);
    expect(dropped).toEqual([
      {
        field: 'metadata.name',
        reason: expect.stringContaining('no known Tasks key'),
        behaviourChange: true,
      },
    ]);
  });
});

import type { RunningEmulator } from '@stemkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { sampleSong, startFastEmulator } from '../helpers/emulator.ts';

// The emulated API driven with plain HTTP exactly as the provider note's examples do (§3), every answer checked
// against the note's shapes, and its paths with their trailing slashes.

const uuid = z.uuid();
const UploadResponse = z.object({
  id: uuid,
  name: z.string(),
  size: z.int(),
  duration: z.int(),
  expires: z.int(),
});
const TaskResponse = z.object({ task_id: uuid });
const SplitTrack = z.object({
  type: z.enum(['stem', 'back']),
  label: z.string(),
  url: z.string(),
  playlist_file: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  size: z.int().nullable().optional(),
  waveform: z.string().nullable().optional(),
});
const presets = z.looseObject({ task_type: z.enum(['split', 'voice_convert']) });
const CheckEntry = z.discriminatedUnion('status', [
  z.object({ status: z.literal('progress'), source_id: uuid, presets, progress: z.int().min(0).max(100) }),
  z.object({
    status: z.literal('success'),
    source_id: uuid,
    presets,
    result: z.object({ tracks: z.array(SplitTrack), duration: z.int() }),
  }),
  z.object({
    status: z.literal('error'),
    source_id: uuid,
    presets,
    error: z.object({ detail: z.string(), code: z.string().nullable(), id: z.string().nullable() }),
  }),
  z.object({ status: z.literal('cancelled'), source_id: uuid, presets }),
  z.object({ status: z.literal('server_error'), error: z.string() }),
]);
const CheckResponse = z.object({ result: z.record(z.string(), CheckEntry) });
const CancelResponse = z.object({
  result: z.record(
    z.string(),
    z.union([
      z.object({ status: z.literal('success') }),
      z.object({ status: z.literal('server_error'), error: z.string() }),
    ]),
  ),
});
const ErrorV1 = z.object({ detail: z.string(), code: z.string() });
const Common = z.object({
  detail: z.union([
    z.string(),
    z.array(z.object({ loc: z.array(z.unknown()), msg: z.string(), type: z.string() })),
  ]),
});

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startFastEmulator();
});
afterAll(async () => {
  await emulator?.close();
});

/** `POST <base><path>` with the licence key, as the vendor's scripts send it. */
async function post(path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator.lalal.baseUrl}/${path}`, {
    method: 'POST',
    headers: {
      'X-License-Key': emulator.lalal.licenseKey,
      ...(body === undefined || body instanceof Uint8Array ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body:
      body === undefined
        ? undefined
        : body instanceof Uint8Array
          ? (body as Uint8Array<ArrayBuffer>)
          : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as unknown, headers: response.headers };
}

async function checkUntilDone(ids: string[]) {
  for (let attempt = 0; attempt < 400; attempt++) {
    const { status, json } = await post('check/', { task_ids: ids });
    expect(status).toBe(200);
    const parsed = CheckResponse.parse(json);
    if (Object.values(parsed.result).every((entry) => entry.status !== 'progress')) return parsed;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the tasks never finished');
}

describe('the emulated LALAL.AI API over plain HTTP', () => {
  it('upload with a UTF-8 name, multistem, check of several ids, download, cancel, delete, minutes left', async () => {
    // Upload, as the official script writes a non-ASCII name: filename*=utf-8''<percent-encoded>, no content-type.
    const upload = await post('upload/', sampleSong(), {
      'Content-Disposition': `attachment; filename*=utf-8''${encodeURIComponent('Sigur Rós – Hoppípolla.wav')}`,
    });
    expect(upload.status).toBe(200);
    const source = UploadResponse.parse(upload.json);
    expect(source.name).toBe('Sigur Rós – Hoppípolla.wav');
    // The quoted and the unquoted forms are taken too.
    for (const disposition of ['attachment; filename="song.wav"', 'attachment; filename=song.wav']) {
      UploadResponse.parse(
        (await post('upload/', sampleSong(1), { 'Content-Disposition': disposition })).json,
      );
    }

    const multistem = await post('split/multistem/', {
      source_id: source.id,
      presets: { stem_list: ['vocals', 'drum', 'bass'], splitter: 'perseus', encoder_format: 'wav' },
      idempotency_key: crypto.randomUUID(),
    });
    const separator = await post('split/stem_separator/', {
      source_id: source.id,
      presets: {
        stem: 'vocals',
        extraction_level: 'deep_extraction',
        dereverb_enabled: true,
        splitter: 'perseus',
      },
    });
    const multistemTask = TaskResponse.parse(multistem.json).task_id;
    const separatorTask = TaskResponse.parse(separator.json).task_id;
    const unknown = crypto.randomUUID();

    const done = await checkUntilDone([multistemTask, separatorTask, unknown]);
    const multi = done.result[multistemTask];
    expect(multi?.status).toBe('success');
    if (multi?.status !== 'success') return;
    expect(multi.result.tracks.map((track) => [track.type, track.label])).toEqual([
      ['stem', 'vocals'],
      ['stem', 'drum'],
      ['stem', 'bass'],
      ['back', 'no_multistem'],
    ]);
    const single = done.result[separatorTask];
    expect(single?.status === 'success' && single.result.tracks.map((track) => track.label)).toEqual([
      'vocals',
      'no_vocals',
    ]);
    expect(single?.status === 'success' && single.presets.label).toBe('enhanced');
    expect(done.result[unknown]?.status).toBe('server_error');

    // A download, with no credential, carries Content-Disposition (the official script needs it).
    const file = await fetch(multi.result.tracks[0]?.url ?? '');
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename=.*vocals\.wav/);
    expect(new Uint8Array(await file.arrayBuffer()).slice(0, 4)).toEqual(new TextEncoder().encode('RIFF'));

    // Cancel: a finished task is not in progress; a running one is cancelled and then checks as cancelled.
    const running = TaskResponse.parse(
      (
        await post('split/voice_clean/', {
          source_id: source.id,
          presets: { stem: 'voice', noise_cancelling_level: 1 },
        })
      ).json,
    ).task_id;
    const cancelled = CancelResponse.parse(
      (await post('cancel/', { task_ids: [running, multistemTask] })).json,
    );
    expect(cancelled.result[running]).toEqual({ status: 'success' });
    expect(cancelled.result[multistemTask]).toEqual({
      status: 'server_error',
      error: 'Task is not in progress state',
    });
    expect(
      CheckResponse.parse((await post('check/', { task_ids: [running] })).json).result[running]?.status,
    ).toBe('cancelled');
    expect(CancelResponse.parse((await post('cancel/all/')).json)).toEqual({ result: {} });

    const minutes = z.object({ minutes_left: z.number() }).parse((await post('limits/minutes_left/')).json);
    expect(minutes.minutes_left).toBeLessThan(600);

    const deleted = await post('delete/', { source_id: source.id });
    expect([deleted.status, deleted.json]).toEqual([200, {}]);
    expect((await fetch(multi.result.tracks[0]?.url ?? '')).status).toBe(404);
  });

  it('batch splits answer per item; an idempotency key reused after its task left the queue is refused', async () => {
    const source = UploadResponse.parse(
      (await post('upload/', sampleSong(1), { 'Content-Disposition': 'attachment; filename="b.wav"' })).json,
    );
    const key = crypto.randomUUID();
    const batch = await post('split/batch/stem_separator/', {
      items: [
        { source_id: source.id, presets: { stem: 'bass' }, idempotency_key: key },
        { source_id: crypto.randomUUID(), presets: { stem: 'drum' } },
      ],
    });
    const results = z
      .object({
        results: z.tuple([
          z.object({ status: z.literal('success'), task_id: uuid, source_id: uuid }),
          z.object({ status: z.literal('error'), error: z.string(), code: z.string(), source_id: uuid }),
        ]),
      })
      .parse(batch.json).results;
    // The same key while the task is queued answers the same task.
    const again = await post('split/stem_separator/', {
      source_id: source.id,
      presets: { stem: 'bass' },
      idempotency_key: key,
    });
    if (again.status === 200) expect(TaskResponse.parse(again.json).task_id).toBe(results[0].task_id);
    await checkUntilDone([results[0].task_id]);
    const late = await post('split/stem_separator/', {
      source_id: source.id,
      presets: { stem: 'bass' },
      idempotency_key: key,
    });
    expect([late.status, ErrorV1.parse(late.json).code]).toEqual([400, 'idempotency_key_used']);
  });

  it('answers errors in the note shapes: 403 without a key, 422 lists, trailing slashes, voice conversion not emulated', async () => {
    const missing = await fetch(`${emulator.lalal.baseUrl}/check/`, {
      method: 'POST',
      body: '{"task_ids":[]}',
    });
    expect([missing.status, await missing.json()]).toEqual([
      403,
      { detail: "Provide license key in 'X-License-Key' header" },
    ]);
    const invalid = await post('split/multistem/', { presets: { stem_list: ['synthesizer'] } });
    expect(invalid.status).toBe(422);
    const detail = Common.parse(invalid.json).detail;
    expect(Array.isArray(detail) && detail.map((issue) => issue.loc.join('.'))).toEqual(
      expect.arrayContaining(['body.split_input.source_id', 'body.split_input.presets.stem_list.0']),
    );
    expect((await post('check', { task_ids: [crypto.randomUUID()] })).status).toBe(404);
    const voice = await post('change_voice/', {
      source_id: crypto.randomUUID(),
      presets: { voice_pack_id: 'ALEX_KAYE' },
    });
    expect([voice.status, ErrorV1.parse(voice.json).code]).toEqual([501, 'not_emulated']);
    const noName = await post('upload/', sampleSong(1));
    expect([noName.status, Common.parse(noName.json).detail]).toEqual([
      400,
      'No file name (use the Content-Disposition header)',
    ]);
  });
});

import { parse as parseDisposition } from 'content-disposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentDisposition, downloadFileName } from '../../src/gateway/downloads.ts';
import { sampleSong } from '../support/http.ts';
import { GATEWAY_TOKEN, type GatewayRig, startGatewayRig } from './harness.ts';

// Issue #26: gateway downloads answer Range as the storage hosts they stand for; GET /job/:id has every field
// the legacy API's documented payloads have; download names cannot spoof their display or double their extension.

const auth = { authorization: `Bearer ${GATEWAY_TOKEN}` };

/**
 * AudioShake's documented "Completed Separation Job Response" (legacy data models page), placeholders filled in:
 * every key in it must be in the gateway's answer, with a value of the same kind.
 */
const DOCUMENTED_COMPLETED_SEPARATION = {
  job: {
    id: 'clksrfob8000bf7of6xkscy8m',
    clientId: '<YOUR CLIENT ID>',
    createdAt: '2023-08-01T20:37:06.656Z',
    startedAt: '2023-08-01T20:37:07.839Z',
    updatedAt: '2023-08-01T20:37:28.392Z',
    requestId: 'clksrfob8000bf7of6xkscy8m',
    licenseId: '',
    callbackUrl: '<YOUR CALLBACK URL>',
    status: 'completed',
    statusInfo: {},
    sourceAsset: {
      name: 'COOKIN-EUROPA_Drum.mp3',
      id: 'clksq2o6c1506f7ofcyvzpdh8',
      fileType: 'audio/mpeg',
      format: 'mp3',
      outputAssets: [
        {
          name: 'instrumental.wav',
          id: 'clksrg52j2319f7of26wleinn1',
          fileType: 'audio/wav',
          format: 'wav',
          link: '<LINK TO FILE>',
        },
      ],
      metadata: { format: 'wav', name: 'instrumental' },
    },
  },
};

/** The Job fields of the documented data model table that a completed job has. */
const DOCUMENTED_JOB_FIELDS = [
  'id',
  'createdAt',
  'updatedAt',
  'startedAt',
  'completedAt',
  'requestId',
  'metadata',
  'stemMetadata',
  'callbackUrl',
  'clientId',
  'licenseId',
  'status',
  'sourceAsset',
  'stemAssets',
  'otherAssets',
];

/** Every key path of `documented` missing from `actual`, or holding another kind of value. */
function differences(documented: unknown, actual: unknown, path = ''): string[] {
  const kind = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
  if (kind(documented) !== kind(actual)) return [`${path || '.'}: ${kind(actual)}, not ${kind(documented)}`];
  if (Array.isArray(documented)) {
    const first = (actual as unknown[])[0];
    return documented.length > 0 && first === undefined
      ? [`${path}: empty`]
      : documented.flatMap((each) => differences(each, first, `${path}[]`));
  }
  if (kind(documented) !== 'object') return [];
  return Object.entries(documented as Record<string, unknown>).flatMap(([key, value]) =>
    key in (actual as object)
      ? differences(value, (actual as Record<string, unknown>)[key], `${path}.${key}`)
      : [`${path}.${key}: missing`],
  );
}

let rig: GatewayRig;
let job: Record<string, unknown>;
let link: string;
let whole: Uint8Array;

beforeAll(async () => {
  rig = await startGatewayRig('tasks');
  const base = rig.gateway.url;
  const form = new FormData();
  form.set('file', new Blob([sampleSong(1) as Uint8Array<ArrayBuffer>], { type: 'audio/mpeg' }), 'song.mp3');
  const asset = (await (
    await fetch(`${base}/upload`, { method: 'POST', headers: auth, body: form })
  ).json()) as {
    id: string;
  };
  const created = (await (
    await fetch(`${base}/job`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        assetId: asset.id,
        metadata: { name: 'instrumental', format: 'wav' },
        callbackUrl: 'https://example.com/hooks',
      }),
    })
  ).json()) as { job: { id: string } };
  for (;;) {
    job = (
      (await (await fetch(`${base}/job/${created.job.id}`, { headers: auth })).json()) as { job: typeof job }
    ).job;
    if (job.status === 'completed' || job.status === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  link = (job.outputAssets as Array<{ link: string }>)[0]?.link as string;
  whole = new Uint8Array(await (await fetch(link)).arrayBuffer());
}, 60_000);

afterAll(() => rig?.close());

describe('issue #26: gateway downloads answer Range like the storage hosts they stand for', () => {
  it('Range: bytes=0-99, bytes=-10 and bytes=100- are answered 206 with Content-Range and those bytes', async () => {
    expect(whole.byteLength).toBeGreaterThan(1000);
    const size = whole.byteLength;
    for (const [header, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=-10', size - 10, size - 1],
      ['bytes=100-', 100, size - 1],
      ['bytes=0-9,5-19', 0, 19],
    ] as const) {
      const response = await fetch(link, { headers: { range: header } });
      expect(response.status, header).toBe(206);
      expect(response.headers.get('content-range'), header).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get('content-length'), header).toBe(String(end - start + 1));
      expect(new Uint8Array(await response.arrayBuffer()), header).toEqual(whole.subarray(start, end + 1));
    }
    const plain = await fetch(link);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('accept-ranges')).toBe('bytes');
    await plain.body?.cancel();
  });

  it('a Range past the end is answered 416 with bytes */size', async () => {
    const response = await fetch(link, { headers: { range: `bytes=${whole.byteLength}-` } });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${whole.byteLength}`);
  });

  it('a malformed Range gets the whole file', async () => {
    const response = await fetch(link, { headers: { range: 'bytes=oops' } });
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(whole);
  });
});

describe('issue #26: GET /job/:id has the fields the legacy API returns', () => {
  it('carries every key of the documented completed separation payload, stemAssets, stemMetadata, otherAssets, completedAt', () => {
    expect(job.status).toBe('completed');
    expect(differences(DOCUMENTED_COMPLETED_SEPARATION.job, job)).toEqual([]);
    expect(DOCUMENTED_JOB_FIELDS.filter((field) => !(field in job))).toEqual([]);
    expect(job.stemAssets).toEqual(job.outputAssets);
    expect(job.stemMetadata).toEqual({ name: 'instrumental', stemName: 'instrumental', format: 'wav' });
    expect(job.otherAssets).toEqual([]);
    const completedAt = Date.parse(job.completedAt as string);
    expect(completedAt).toBeGreaterThanOrEqual(Date.parse(job.startedAt as string));
    expect(completedAt).toBeLessThanOrEqual(Date.parse(job.updatedAt as string));
  });
});

describe('issue #26: download names', () => {
  it('a name with U+202E (right-to-left override) cannot spoof the displayed file name', () => {
    for (const name of ['\u202Egpj.exe', 'song\u202E\u2066vaw.exe', 'a\u200Fb\u061Cc\u200B.wav']) {
      const header = attachmentDisposition(name, 'wav');
      const parsed = parseDisposition(header);
      // parse() decodes filename* into filename: what a browser would show.
      const shown = parsed.parameters.filename ?? '';
      expect(shown, name).not.toMatch(/[\p{Cc}\p{Cf}]/u);
      expect(shown, name).toMatch(/\.(exe|wav)$/);
      expect(header, name).not.toMatch(/%E2%80%AE|%E2%81%A6|%E2%80%8F|%D8%9C|%E2%80%8B/i);
    }
    expect(downloadFileName('\u202Egpj.exe', 'exe')).toBe('gpj.exe');
  });

  it('control characters, quotes and semicolons cannot add a parameter or break the header', () => {
    const header = attachmentDisposition(
      "x\"; filename*=UTF-8''evil.exe\r\nSet-Cookie: a=b\u0000.wav",
      'wav',
    );
    expect(header).not.toMatch(/[\r\n\0]/);
    const parsed = parseDisposition(header);
    expect(parsed.type).toBe('attachment');
    expect(Object.keys(parsed.parameters).sort()).toEqual(['filename']);
    expect(parsed.parameters.filename).toBe("x\"; filename*=UTF-8''evil.exeSet-Cookie: a=b.wav");
  });

  it('a zip named ok.zip downloads as ok.zip, not ok.zip.zip; UTF-8 names keep their letters', () => {
    expect(downloadFileName('ok.zip', 'zip')).toBe('ok.zip');
    expect(downloadFileName('OK.ZIP', 'zip')).toBe('OK.ZIP');
    expect(downloadFileName('ok', 'zip')).toBe('ok.zip');
    expect(parseDisposition(attachmentDisposition('ok.zip', 'zip')).parameters.filename).toBe('ok.zip');
    expect(parseDisposition(attachmentDisposition('日本語', 'wav')).parameters.filename).toBe('日本語.wav');
  });

  it('gateway downloads carry the header content-disposition writes', async () => {
    const response = await fetch(link, { headers: { range: 'bytes=0-0' } });
    expect(response.headers.get('content-disposition')).toBe('attachment; filename=instrumental.wav');
    await response.body?.cancel();
  });
});

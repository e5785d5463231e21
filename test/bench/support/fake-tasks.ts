// An in-process Tasks API that answers at once with fixed, valid payloads: what the client costs is then
// everything a job costs. Both the SDK and the hand-written baseline run against it, so its own cost is shared.

const STORAGE = 'https://storage.bench.test';
const API = 'https://tasks.bench.test';
export const fakeTasksBaseUrl = API;
export const fakeApiKey = 'bench-key';

const stemBytes = new Uint8Array(4_096).fill(7);

/** The requests a job made, by method and path (ids blanked), for comparing the two clients call for call. */
export const requestLog: string[] = [];

export function createFakeTasksFetch(): typeof fetch {
  let next = 0;
  const json = (value: unknown, status = 200) =>
    new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
  const task = (id: string, status: 'processing' | 'completed') => ({
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    clientId: 'bench',
    targets: [
      {
        id: `${id}-target`,
        model: 'vocals',
        status,
        formats: ['wav'],
        residual: null,
        language: null,
        error: null,
        cost: 1,
        duration: 0.2,
        output:
          status === 'completed'
            ? [
                {
                  name: 'vocals',
                  format: 'wav',
                  type: 'audio/wav',
                  link: `${STORAGE}/${id}/vocals.wav?X-Goog-Signature=00`,
                },
              ]
            : [],
      },
    ],
  });
  const fake = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    requestLog.push(
      `${request.method} ${url.origin === STORAGE ? 'storage' : url.pathname.replace(/\/t\d+.*$/, '/:id')}`,
    );
    if (request.body) await request.arrayBuffer();
    if (url.origin === STORAGE) return new Response(stemBytes, { headers: { 'content-type': 'audio/wav' } });
    if (request.method === 'POST' && url.pathname === '/assets') {
      next += 1;
      return json({
        id: `a${next}`,
        format: 'wav',
        name: 'tone.wav',
        link: `${STORAGE}/a${next}?X-Goog-Signature=00`,
      });
    }
    if (request.method === 'POST' && url.pathname === '/tasks') {
      next += 1;
      return json(task(`t${next}`, 'processing'));
    }
    const match = /^\/tasks\/(t\d+)$/.exec(url.pathname);
    if (request.method === 'GET' && match) return json(task(match[1] as string, 'completed'));
    return json({ error: 'not found' }, 404);
  };
  return fake as typeof fetch;
}

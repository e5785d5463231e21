import fc from 'fast-check';

/** One recorded answer of the real (emulated) provider. */
export interface RecordedAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** A request's endpoint with its ids blanked, so answers recorded for one job serve requests about another. */
export function endpointOf(method: string, url: URL): string {
  const path = url.pathname
    .split('/')
    .map((segment) => (segment.length >= 8 && /\d/.test(segment) ? ':id' : segment))
    .join('/');
  return `${method.toUpperCase()} ${url.host.split(':')[0]}${path}`;
}

/** A fetch that passes everything through and keeps every answer, by endpoint. */
export function createRecorder(baseFetch: typeof fetch) {
  const answers = new Map<string, RecordedAnswer[]>();
  const recorder = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const response = await baseFetch(input, init);
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.includes('json')) {
      const text = await response.clone().text();
      const key = endpointOf(method, url);
      answers.set(key, [...(answers.get(key) ?? []), { status: response.status, contentType, text }]);
    }
    return response;
  };
  return { fetch: recorder as typeof fetch, answers };
}

/** How one answer is broken. */
export type AnswerRecipe =
  | { kind: 'recorded'; pick: number; status: number }
  | { kind: 'mutated'; pick: number; status: number; mutations: Array<{ at: number; value: unknown }> }
  | { kind: 'random-json'; status: number; value: unknown }
  | { kind: 'text'; status: number; text: string; contentType: string }
  | { kind: 'network-error' };

const DELETE = Symbol('delete');
const statuses = fc.constantFrom(
  200,
  200,
  200,
  200,
  201,
  202,
  204,
  301,
  400,
  401,
  403,
  404,
  409,
  410,
  422,
  429,
  500,
  503,
);
/** Values that break a field: wrong types, nulls, huge strings, nested junk. */
const brokenValue = fc.oneof(
  fc.constant(null),
  fc.constant(DELETE),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308),
  fc.string(),
  fc.constant('x'.repeat(200_000)),
  fc.constantFrom(
    '',
    'not-a-date',
    '2024-13-45T99:99:99',
    'https://evil.test/x',
    '../../etc/passwd',
    '\u0000',
  ),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }),
);

export const answerRecipe: fc.Arbitrary<AnswerRecipe> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('recorded' as const),
      pick: fc.nat(),
      status: fc.constant(200),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      pick: fc.nat(),
      status: statuses,
      mutations: fc.array(fc.record({ at: fc.nat(), value: brokenValue }), { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('random-json' as const),
      status: statuses,
      value: fc.jsonValue(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      status: statuses,
      text: fc.oneof(
        fc.constant(''),
        fc.constant('<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>'),
        fc.constant('{"truncated": [1, 2'),
        fc.string(),
        fc.constant('null'),
        fc.constant(`"${'y'.repeat(100_000)}"`),
      ),
      contentType: fc.constantFrom('application/json', 'text/html', 'text/plain', ''),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'network-error' as const }) },
);

function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => paths(item, [...prefix, key]))];
}

function mutate(value: unknown, at: Array<string | number>, replacement: unknown): unknown {
  if (at.length === 0) return replacement === DELETE ? undefined : replacement;
  const [head, ...rest] = at as [string | number, ...Array<string | number>];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  if (rest.length === 0 && replacement === DELETE) delete copy[head];
  else copy[head] = mutate(copy[head], rest, replacement);
  return copy;
}

/**
 * A fetch that answers every request from `recipes`, in turn: the provider's own recorded answer for that
 * endpoint, the same with fields broken, random JSON, HTML or text, or a dropped connection.
 */
export function createFuzzFetch(answers: Map<string, RecordedAnswer[]>, recipes: readonly AnswerRecipe[]) {
  let next = 0;
  const fuzzFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    signal?.throwIfAborted();
    // Drain what is sent, as a server would: a streamed upload must not be left hanging.
    const body = init?.body ?? (input instanceof Request ? input.body : null);
    if (body instanceof ReadableStream) await new Response(body).arrayBuffer().catch(() => undefined);
    const recipe = recipes[next++ % recipes.length] as AnswerRecipe;
    const recorded = answers.get(endpointOf(method, url)) ?? [];
    const headers = (contentType: string, status: number) => {
      const result = new Headers(contentType ? { 'content-type': contentType } : {});
      if (status === 429 || status === 503 || status === 202) result.set('retry-after', '0');
      return result;
    };
    const respond = (status: number, text: string, contentType: string) =>
      new Response([101, 204, 205, 304].includes(status) ? null : text, {
        status,
        headers: headers(contentType, status),
      });
    switch (recipe.kind) {
      case 'network-error':
        throw new TypeError('fetch failed');
      case 'text':
        return respond(recipe.status, recipe.text, recipe.contentType);
      case 'random-json':
        return respond(recipe.status, JSON.stringify(recipe.value) ?? 'null', 'application/json');
      case 'recorded': {
        const answer = recorded[recipe.pick % Math.max(1, recorded.length)];
        if (!answer) return respond(200, 'stem bytes', 'application/octet-stream');
        return respond(answer.status, answer.text, answer.contentType);
      }
      case 'mutated': {
        const answer = recorded[recipe.pick % Math.max(1, recorded.length)];
        let value: unknown = answer ? JSON.parse(answer.text) : {};
        const all = paths(value);
        for (const mutation of recipe.mutations) {
          value = mutate(value, all[mutation.at % all.length] ?? [], mutation.value);
        }
        return respond(recipe.status, JSON.stringify(value) ?? '', 'application/json');
      }
    }
  };
  return fuzzFetch as typeof fetch;
}

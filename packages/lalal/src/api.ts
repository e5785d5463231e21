import {
  type DriverContext,
  type ErrorBodyReader,
  type HttpClient,
  InvalidArgumentError,
  ProviderError,
  readErrorBody,
  type Settings,
} from '@stemkit/core/driver';
import type { LALAL_SETTINGS } from './options.ts';

/** What every operation of the driver works with. */
export interface LalalApi {
  readonly http: HttpClient;
  readonly context: DriverContext<Settings<typeof LALAL_SETTINGS>>;
}

/** One FastAPI validation issue: `{loc: ['body', 'split_input', 'presets', 'stem'], msg, type}`. */
interface Issue {
  readonly loc?: readonly unknown[];
  readonly msg?: unknown;
}

/** The provider's field → the neutral one the caller set (the first path segments that name it). */
const NEUTRAL_FIELDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^source_id/, 'source'],
  [/^presets\.(stem|stem_list)/, 'targets'],
  [/^presets\.encoder_format/, 'formats'],
  [/^presets\.splitter/, 'variant'],
  [/^idempotency_key/, 'idempotencyKey'],
];

/** The neutral field a 422 issue names (`body` and the body model's name dropped). */
export function fieldOfIssue(issue: Issue): string {
  const path = (issue.loc ?? [])
    .filter((part, index) => !(index === 0 && part === 'body'))
    .filter((part) => !/_input$|Parameters$/.test(String(part)))
    .join('.');
  return NEUTRAL_FIELDS.find(([pattern]) => pattern.test(path))?.[1] ?? (path || 'request');
}

/**
 * Reads LALAL.AI's error bodies: `{detail, code}` (`ApiV1ErrorResponse`) and FastAPI's `{detail: [issues]}`,
 * whose issues become one message; other shapes go to core's reader.
 */
export const readLalalError: ErrorBodyReader = (body) => {
  if (typeof body === 'object' && body !== null && Array.isArray((body as { detail?: unknown }).detail)) {
    const issues = (body as { detail: Issue[] }).detail;
    return { message: issues.map((issue) => `${fieldOfIssue(issue)}: ${String(issue.msg)}`).join('; ') };
  }
  return readErrorBody(body);
};

/**
 * A fetch that turns a 422 validation answer into an `InvalidArgumentError` naming the neutral field, and a
 * 400 for a file the plan cannot take (`max_duration`, `exceeded_size`) into one naming `source`. Thrown from
 * the fetch, the typed error passes the HTTP toolkit untouched (and unretried).
 */
function typedRefusals(fetch: typeof globalThis.fetch, provider: string): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.status !== 422 && response.status !== 400) return response;
    const body = (await response
      .clone()
      .json()
      .catch(() => undefined)) as { detail?: unknown; code?: unknown } | undefined;
    if (response.status === 422 && Array.isArray(body?.detail)) {
      const issues = (body.detail as Issue[]).map((issue) => ({
        field: fieldOfIssue(issue),
        message: String(issue.msg ?? 'refused'),
      }));
      const first = issues[0] ?? { field: 'request', message: 'refused' };
      await response.body?.cancel();
      throw new InvalidArgumentError(first.field, `${provider} refused it: ${first.message}`, {
        provider,
        issues,
      });
    }
    if (body?.code === 'idempotency_key_used') {
      await response.body?.cancel();
      throw new IdempotencyKeyUsedError(`${provider} refused a start: ${String(body.detail)}`, {
        provider,
        status: 400,
        providerCode: body.code,
        requestId: response.headers.get('x-request-id') ?? undefined,
      });
    }
    if (body?.code === 'max_duration' || body?.code === 'exceeded_size') {
      await response.body?.cancel();
      throw new InvalidArgumentError(
        'source',
        `${provider} refused it (${body.code}): ${String(body.detail)}`,
        {
          provider,
        },
      );
    }
    return response;
  };
}

/**
 * A start refused because its idempotency key was used by a task that has already started: that task exists
 * (the API does not say which), so unlike other 4xx answers this one did not leave the provider untouched.
 *
 * @example
 * ```ts
 * if (IdempotencyKeyUsedError.isInstance(error)) console.log('the job was started before; its id is unknown');
 * ```
 */
export class IdempotencyKeyUsedError extends ProviderError {
  /** Never: the key's task exists. */
  override get createdNothing(): boolean {
    return false;
  }
}

/** Connects to the v1 API: the licence key in `X-License-Key` on every call, LALAL.AI's error bodies read. */
export function connect(context: LalalApi['context']): LalalApi {
  const { settings } = context;
  const http = context.http({
    baseUrl: settings.baseUrl,
    readErrorBody: readLalalError,
    fetch: typedRefusals(context.fetch, context.provider),
    authenticate: () => ({ 'x-license-key': settings.licenseKey }),
  });
  return { http, context };
}

import {
  type DriverContext,
  type ErrorBodyReader,
  type HttpClient,
  readErrorBody,
  type Settings,
} from '@stemkit/core/driver';
import { DEFAULT_TIMEOUT_MS, type ELEVENLABS_SETTINGS, type ElevenLabsDriverOptions } from './options.ts';
import { ErrorBody } from './wire.ts';

/** What every operation of the driver works with. */
export interface ElevenLabsApi {
  readonly http: HttpClient;
  readonly context: DriverContext<Settings<typeof ELEVENLABS_SETTINGS>>;
  readonly options: ElevenLabsDriverOptions;
  readonly timeoutMs: number;
  /** This driver instance's mark in its handles: a handle without it came from another process. */
  readonly instance: string;
}

/**
 * Reads ElevenLabs' error bodies: `{detail: {status, message}}` (the status is the code, e.g. `invalid_api_key`)
 * and FastAPI's 422 `{detail: [{loc, msg}]}` (the message names the field). Other shapes go to core's reader.
 */
export const readElevenLabsError: ErrorBodyReader = (body) => {
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) return readErrorBody(body);
  const { detail } = parsed.data;
  if (typeof detail === 'string') return { message: detail };
  if (Array.isArray(detail)) {
    const message = detail
      .map(
        (issue) =>
          `${(issue.loc ?? []).filter((part) => part !== 'body').join('.')}: ${issue.msg ?? 'invalid'}`,
      )
      .join('; ');
    return { message, code: 'validation_error' };
  }
  return { message: detail.message ?? detail.status, code: detail.status };
};

/** Connects the driver: one HTTP client with the `xi-api-key` credential. */
export function connect(context: ElevenLabsApi['context'], options: ElevenLabsDriverOptions): ElevenLabsApi {
  const apiKey = context.settings.apiKey;
  const http = context.http({
    baseUrl: context.settings.baseUrl,
    readErrorBody: readElevenLabsError,
    authenticate: () => ({ 'xi-api-key': apiKey }),
  });
  return {
    http,
    context,
    options,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    instance: crypto.randomUUID(),
  };
}

import {
  AuthenticationError,
  InvalidArgumentError,
  NotFoundError,
  RateLimitError,
  StemkitError,
  UnsupportedCapabilityError,
} from '@stemkit/core';

/** An error the gateway answers in the legacy API's shape: `{ error, message }` with an HTTP status. */
export class GatewayHttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'GatewayHttpError';
    this.status = status;
    this.headers = headers;
  }
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

/** The legacy error body of a status. */
export function legacyErrorBody(status: number, message: string): { error: string; message: string } {
  return { error: REASONS[status] ?? 'Error', message };
}

/**
 * What a backend error becomes for the legacy client. The backend's own credentials are the gateway's
 * business: a 401 from the backend is a 502 here, never a reason for the client to doubt its token.
 */
export function backendErrorToHttp(error: unknown): GatewayHttpError {
  if (error instanceof GatewayHttpError) return error;
  const message = StemkitError.isInstance(error) || error instanceof Error ? error.message : String(error);
  if (RateLimitError.isInstance(error)) {
    const seconds = error.retryAfterMs === undefined ? 1 : Math.ceil(error.retryAfterMs / 1000);
    return new GatewayHttpError(429, message, { 'retry-after': String(seconds) });
  }
  if (NotFoundError.isInstance(error)) return new GatewayHttpError(404, message);
  if (InvalidArgumentError.isInstance(error) || UnsupportedCapabilityError.isInstance(error)) {
    return new GatewayHttpError(400, message);
  }
  if (AuthenticationError.isInstance(error))
    return new GatewayHttpError(502, 'The gateway’s backend refused its credentials');
  return new GatewayHttpError(502, `The backend failed: ${message}`);
}

/** An error that becomes an HTTP response in the API's own error shape. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
    this.name = 'HttpError';
  }
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The standard reason phrase of a status code. */
export function reasonPhrase(status: number): string {
  return reasons[status] ?? 'Error';
}

/** How one API spells an error body. */
export type ErrorBody = (status: number, message: string) => Record<string, unknown>;

/** Sourcere: `{status, error, message}`, what the Sourcere driver's `readSourcereError` reads. */
export const sourcereErrorBody: ErrorBody = (status, message) => ({
  status,
  error: reasonPhrase(status),
  message,
});

/** AudioShake (both APIs): `{message}` plus `error`, what clients read (`data.message || data.error`). */
export const audioshakeErrorBody: ErrorBody = (status, message) => ({ error: reasonPhrase(status), message });

/** A JSON error response in the given shape. */
export function errorResponse(
  body: ErrorBody,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(body(status, message), { status, headers });
}

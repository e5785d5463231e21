import {
  AuthenticationError,
  type DriverCallOptions,
  type HttpClient,
  InvalidResponseError,
  ProviderError,
} from '@stemkit/core/driver';

/**
 * One small authenticated GET that tells whether the API takes the credential: an `AuthenticationError` when it
 * refuses it (401, 403). Any other answer (a 404 from a route the API dropped, a 5xx, an odd body) says nothing
 * about the key, so it resolves and the upload goes ahead. No answer at all (the network, an abort) rejects as it
 * is: the client then asks again before its next upload.
 */
export async function verifyWith(
  http: HttpClient,
  request: { readonly path: string; readonly searchParams?: Readonly<Record<string, number>> },
  options: DriverCallOptions = {},
): Promise<void> {
  try {
    await http.call({ method: 'GET', ...request, signal: options.signal, what: 'the credential check' });
  } catch (error) {
    if (AuthenticationError.isInstance(error)) throw error;
    if (ProviderError.isInstance(error) || InvalidResponseError.isInstance(error)) return;
    throw error;
  }
}

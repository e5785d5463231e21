import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { GatewayHttpError } from './errors.ts';

/** The `file` part of a multipart request, as it streams in. */
export interface IncomingFile {
  readonly name: string;
  readonly contentType: string;
  readonly body: ReadableStream<Uint8Array>;
}

/**
 * Hands the `file` part of a `multipart/form-data` request to `consume` as a stream while the request is
 * still arriving, so an upload passes through the gateway without being held in memory. Resolves with what
 * `consume` returns once the request has been read to its end. Should `consume` fail first (the backend
 * refused the upload, or is down), that failure is the answer at once: the rest of the request is read and
 * thrown away, so the client finishes sending and reads it rather than waiting on a stalled upload.
 */
export function streamMultipartFile<Result>(
  request: Request,
  consume: (file: IncomingFile) => Promise<Result>,
): Promise<Result> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data') || !request.body) {
    return Promise.reject(
      new GatewayHttpError(400, 'Send the file as multipart/form-data with a part named file'),
    );
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Browsers, undici and curl send file names as raw UTF-8 (busboy would read them as latin1).
      defParamCharset: 'utf8',
      limits: { files: 1 },
    });
  } catch {
    return Promise.reject(new GatewayHttpError(400, 'Malformed multipart/form-data request'));
  }
  return new Promise<Result>((resolve, reject) => {
    let consumed: Promise<Result> | undefined;
    const input = Readable.fromWeb(request.body as NodeWebReadableStream<Uint8Array>);
    // A client that goes away mid-upload errors the input; the parser and the file stream end with it.
    input.on('error', (error) => parser.destroy(error));
    const discardRest = () => {
      input.unpipe(parser);
      parser.destroy();
      input.resume();
    };
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || consumed) {
        stream.resume();
        return;
      }
      // The part can fail (a cut-off upload) before the consumer reads it: the consumer sees the failure
      // through its stream; this listener only keeps it from being unhandled.
      stream.on('error', () => undefined);
      consumed = consume({
        name: info.filename || 'upload',
        contentType: info.mimeType,
        body: Readable.toWeb(stream) as ReadableStream<Uint8Array>,
      });
      consumed.catch((error: unknown) => {
        discardRest();
        reject(error);
      });
    });
    parser.on('error', (error) => {
      reject(
        error instanceof GatewayHttpError
          ? error
          : new GatewayHttpError(400, 'Malformed multipart/form-data request'),
      );
    });
    parser.on('close', () => {
      if (!consumed) reject(new GatewayHttpError(400, 'The multipart request has no part named file'));
      else consumed.then(resolve, reject);
    });
    input.pipe(parser);
  });
}

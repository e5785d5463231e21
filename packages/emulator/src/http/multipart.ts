import busboy from 'busboy';
import type { ObjectStore } from '../storage/objects.ts';
import { HttpError } from './errors.ts';
import { bodyStream } from './node-body.ts';

/** The `file` part of a multipart upload, once on disk. */
export interface UploadedFile {
  fileName: string;
  mimeType: string;
  size: number;
}

/**
 * Streams the `file` part of a `multipart/form-data` request to a storage key, without holding it in memory.
 * Other fields are ignored. Larger than `maxBytes`: 413.
 */
export async function receiveMultipartFile(
  request: Request,
  objects: ObjectStore,
  key: string,
  maxBytes: number,
): Promise<UploadedFile> {
  const contentType = request.headers.get('content-type') ?? '';
  const body = bodyStream(request);
  if (!contentType.toLowerCase().startsWith('multipart/form-data') || !body) {
    throw new HttpError(400, 'Send the file as multipart/form-data with a part named file');
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': contentType }, limits: { files: 1, fileSize: maxBytes } });
  } catch {
    throw new HttpError(400, 'Malformed multipart/form-data request');
  }
  return new Promise<UploadedFile>((resolve, reject) => {
    let written: Promise<UploadedFile> | undefined;
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return;
      }
      let tooLarge = false;
      // The part can fail (a cut-off upload) before the store's pipeline listens to it: the pipeline reports
      // the failure, this listener only keeps it from being unhandled in the meantime.
      stream.on('error', () => undefined);
      stream.on('limit', () => {
        tooLarge = true;
        stream.destroy();
      });
      written = objects.write(key, stream).then(
        (size) => ({ fileName: info.filename || 'upload', mimeType: info.mimeType, size }),
        (error: unknown) => {
          throw tooLarge ? new HttpError(413, `The file is larger than ${maxBytes} bytes`) : error;
        },
      );
      written.catch(() => undefined);
    });
    parser.on('error', () => reject(new HttpError(400, 'Malformed multipart/form-data request')));
    parser.on('close', () => {
      if (!written) reject(new HttpError(400, 'The multipart request has no part named file'));
      else written.then(resolve, reject);
    });
    // A client that goes away mid-upload aborts the request stream: that is a failed upload, not a crash.
    // Ending the parser early makes it fail the half-written part, whose write then cleans up after itself.
    body.on('error', () => {
      body.unpipe(parser);
      parser.end();
      reject(new HttpError(400, 'The upload was interrupted'));
    });
    body.pipe(parser);
  });
}

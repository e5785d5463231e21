import busboy from 'busboy';
import type { ObjectStore } from '../storage/objects.ts';
import { HttpError } from './errors.ts';
import { bodyStream, discardBody } from './node-body.ts';

/** The `file` part of a multipart upload, once on disk. */
export interface UploadedFile {
  fileName: string;
  mimeType: string;
  size: number;
  /** The request's small text fields (`stem_variation_id`), by name; the first of a repeated one wins. */
  fields: Record<string, string>;
}

/**
 * What a multipart body may carry beyond its file: boundaries, part headers, small fields. A declared length
 * past the limit by more than this cannot hold an acceptable file, and is refused before a byte is read.
 */
const multipartOverheadBytes = 64 * 1024;

const tooLarge = (maxBytes: number) => new HttpError(413, `The file is larger than ${maxBytes} bytes`);
const notMultipart = () => new HttpError(400, 'Send the file as multipart/form-data with a part named file');

/**
 * Streams the `file` part of a `multipart/form-data` request to a storage key, without holding it in memory.
 * Other fields are ignored. A file of more than `maxBytes` bytes is a 413: refused from the declared
 * `content-length` when that already says so, otherwise as soon as the part crosses the limit, its half-written
 * object removed and the rest of the body discarded.
 */
export async function receiveMultipartFile(
  request: Request,
  objects: ObjectStore,
  key: string,
  maxBytes: number,
  field = 'file',
): Promise<UploadedFile> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data') || !request.body) {
    throw notMultipart();
  }
  // Before the body is touched: a client waiting on `Expect: 100-continue` is then never asked to send it.
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes + multipartOverheadBytes) throw tooLarge(maxBytes);
  let parser: busboy.Busboy;
  try {
    // busboy reports its fileSize limit when a part reaches it, not when it goes past: one byte more, so that a
    // file of exactly maxBytes is accepted and 'limit' means too large.
    parser = busboy({
      headers: { 'content-type': contentType },
      // Browsers, undici and curl send file names as raw UTF-8 (busboy would read them as latin1).
      defParamCharset: 'utf8',
      limits: { files: 1, fileSize: maxBytes + 1, fields: 16, fieldSize: 1024 },
    });
  } catch {
    throw new HttpError(400, 'Malformed multipart/form-data request');
  }
  const body = bodyStream(request);
  if (!body) throw notMultipart();
  return new Promise<UploadedFile>((resolve, reject) => {
    let written: Promise<UploadedFile> | undefined;
    let refused = false;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    // The answer is known before the body's end: the rest of it goes nowhere, so that the client finishes
    // sending and reads the answer rather than stalling on a paused connection.
    const stopReading = () => {
      body.unpipe(parser);
      discardBody(request, body);
    };
    const fields: Record<string, string> = Object.create(null);
    parser.on('field', (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== field) {
        stream.resume();
        return;
      }
      // The part can fail (a cut-off upload) before the store's pipeline listens to it: the pipeline reports
      // the failure, this listener only keeps it from being unhandled in the meantime.
      stream.on('error', () => undefined);
      stream.on('limit', () => {
        refused = true;
        // Fails the store's pipeline, which removes the half-written object before the 413 goes out. With an
        // error: a pipeline given a part destroyed without one (the write may still be making its folder)
        // would wait forever.
        stream.destroy(tooLarge(maxBytes));
        // A destroyed part never ends, so busboy would never close: the answer cannot wait for it. Emitted
        // from inside the parser's write, the parser is torn down once that write has returned.
        process.nextTick(() => {
          stopReading();
          parser.destroy();
        });
      });
      const write = objects.write(key, stream).then(
        (size) => ({ fileName: info.filename || 'upload', mimeType: info.mimeType, size, fields }),
        (error: unknown) => {
          throw refused ? tooLarge(maxBytes) : error;
        },
      );
      written = write;
      write.catch((error: unknown) => {
        if (refused) settle(() => reject(error));
      });
    });
    parser.on('error', () => {
      if (refused) return;
      stopReading();
      settle(() => reject(new HttpError(400, 'Malformed multipart/form-data request')));
    });
    parser.on('close', () => {
      if (refused) return;
      if (!written) settle(() => reject(new HttpError(400, 'The multipart request has no part named file')));
      else
        written.then(
          (file) => settle(() => resolve(file)),
          (error: unknown) => settle(() => reject(error)),
        );
    });
    // A client that goes away mid-upload aborts the request stream: that is a failed upload, not a crash.
    // Ending the parser early makes it fail the half-written part, whose write then cleans up after itself.
    body.on('error', () => {
      if (refused) return;
      body.unpipe(parser);
      parser.end();
      settle(() => reject(new HttpError(400, 'The upload was interrupted')));
    });
    body.pipe(parser);
  });
}

import { type HttpClient, mimeTypeOf, multipartFile, type UploadRequest, type z } from '@stemkit/core/driver';
import { extensionOf } from './outputs.ts';

/**
 * Posts a file as a streamed `multipart/form-data` body with one `file` part, the upload both APIs take
 * (`POST /upload`, `POST /assets`). Not idempotent, and without a timeout: a large file takes its time.
 */
export async function uploadFile<Schema extends z.ZodMiniType>(
  http: HttpClient,
  path: string,
  request: UploadRequest,
  schema: Schema,
  signal?: AbortSignal,
): Promise<z.output<Schema>> {
  const multipart = multipartFile({
    field: 'file',
    fileName: request.name,
    contentType: request.contentType ?? mimeTypeOf(extensionOf(request.name) ?? ''),
    body: request.body,
    size: request.size,
  });
  const { data } = await http.call({
    method: 'POST',
    path,
    body: multipart.body,
    headers: { 'content-type': multipart.contentType },
    schema,
    idempotent: false,
    timeoutMs: false,
    signal,
    what: `upload ${request.name}`,
  });
  return data;
}

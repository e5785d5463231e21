import { PassThrough } from 'node:stream';
import type { Hono } from 'hono';
import parseRange from 'range-parser';
import type { EmulatorContext } from '../context.ts';
import { createApiApp } from '../http/app.ts';
import { HttpError } from '../http/errors.ts';
import { bodyStream, discardBody } from '../http/node-body.ts';
import { extensionOf, mimeType } from '../processing/formats.ts';
import { TooLargeError } from './objects.ts';
import { bucket, type SignedMethod } from './signing.ts';

function xmlError(status: number, code: string, message: string): Response {
  const body = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return new Response(body, { status, headers: { 'content-type': 'application/xml; charset=UTF-8' } });
}

/**
 * The signed-URL storage host, on its own origin: PUT streams an upload to disk, GET streams a file back with
 * its length. Only a valid signature and expiry open it; API credentials are refused, never needed.
 */
export function createStorageApp(context: EmulatorContext): Hono {
  const app = createApiApp(context, 'storage', (status, message) => ({ status, message }));

  const authorize = (method: SignedMethod, request: Request): { key: string } | Response => {
    if (request.headers.has('authorization') || request.headers.has('x-api-key')) {
      return xmlError(
        403,
        'AccessDenied',
        'The storage host accepts signed URLs only; API credentials must not be sent here',
      );
    }
    const url = new URL(request.url);
    const problem = context.signer.verify(method, url.pathname, url.searchParams);
    if (problem) return xmlError(403, problem.code, problem.message);
    const prefix = `/${bucket}/`;
    if (!url.pathname.startsWith(prefix)) return xmlError(404, 'NoSuchBucket', 'The bucket does not exist');
    const key = url.pathname.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
    return { key };
  };

  // What object stores answer a PUT past their limit (S3's and GCS's code, with HTTP's own status).
  const tooLarge = () =>
    xmlError(
      413,
      'EntityTooLarge',
      `Your proposed upload exceeds the maximum allowed size of ${context.options.maxUploadBytes} bytes`,
    );

  app.put('/*', async (hono) => {
    const request = hono.req.raw;
    const authorized = authorize('PUT', request);
    if (authorized instanceof Response) return authorized;
    const maxBytes = context.options.maxUploadBytes;
    // Before the body is touched: a client waiting on `Expect: 100-continue` is then never asked to send it.
    if (Number(request.headers.get('content-length')) > maxBytes) return tooLarge();
    const body = bodyStream(request);
    if (!body) throw new HttpError(400, 'The upload has no body');
    // The store reads a stream of its own, so that stopping at the limit leaves the request's body to be
    // thrown away (the client then reads the 413) rather than destroyed with the connection.
    const counted = new PassThrough();
    body.on('error', (error) => counted.destroy(error));
    body.pipe(counted);
    try {
      await context.objects.write(authorized.key, counted, { maxBytes });
    } catch (error) {
      if (!(error instanceof TooLargeError)) throw error;
      body.unpipe(counted);
      discardBody(request, body);
      return tooLarge();
    }
    for (const listener of context.objectWritten) listener(authorized.key);
    return new Response(null, { status: 200 });
  });

  const download = async (request: Request, head: boolean): Promise<Response> => {
    const authorized = authorize('GET', request);
    if (authorized instanceof Response) return authorized;
    const size = await context.objects.size(authorized.key);
    if (size === undefined) return xmlError(404, 'NoSuchKey', 'The specified key does not exist');
    const headers: Record<string, string> = {
      'content-type': mimeType(extensionOf(authorized.key) ?? ''),
      'accept-ranges': 'bytes',
    };
    const disposition = new URL(request.url).searchParams.get('response-content-disposition');
    if (disposition) headers['content-disposition'] = disposition;
    // As object stores do: one byte range is answered 206 with its Content-Range, one past the end 416;
    // several ranges, or a header that is not a byte range, get the whole file (RFC 9110 lets a server ignore them).
    const range = request.headers.get('range');
    const ranges = range ? parseRange(size, range, { combine: true }) : undefined;
    if (ranges === -1) {
      return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
    }
    const part =
      Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1 ? ranges[0] : undefined;
    if (part) {
      headers['content-range'] = `bytes ${part.start}-${part.end}/${size}`;
      headers['content-length'] = String(part.end - part.start + 1);
      const body = head ? null : context.objects.readStream(authorized.key, part);
      return new Response(body, { status: 206, headers });
    }
    headers['content-length'] = String(size);
    return new Response(head ? null : context.objects.readStream(authorized.key), { status: 200, headers });
  };
  app.on('HEAD', '/*', (hono) => download(hono.req.raw, true));
  app.get('/*', (hono) => download(hono.req.raw, false));
  return app;
}

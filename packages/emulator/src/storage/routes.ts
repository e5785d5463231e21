import type { Hono } from 'hono';
import type { EmulatorContext } from '../context.ts';
import { createApiApp } from '../http/app.ts';
import { HttpError } from '../http/errors.ts';
import { bodyStream } from '../http/node-body.ts';
import { extensionOf, mimeType } from '../processing/formats.ts';
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

  app.put('/*', async (hono) => {
    const authorized = authorize('PUT', hono.req.raw);
    if (authorized instanceof Response) return authorized;
    const body = bodyStream(hono.req.raw);
    if (!body) throw new HttpError(400, 'The upload has no body');
    await context.objects.write(authorized.key, body);
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
      'content-length': String(size),
    };
    const disposition = new URL(request.url).searchParams.get('response-content-disposition');
    if (disposition) headers['content-disposition'] = disposition;
    return new Response(head ? null : context.objects.readStream(authorized.key), { status: 200, headers });
  };
  app.on('HEAD', '/*', (hono) => download(hono.req.raw, true));
  app.get('/*', (hono) => download(hono.req.raw, false));
  return app;
}

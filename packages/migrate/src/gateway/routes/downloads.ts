import { mimeTypeOf } from '@stemkit/core';
import type { Hono } from 'hono';
import type { GatewayContext } from '../context.ts';
import { answerRange, attachmentDisposition, sliceStream } from '../downloads.ts';
import { GatewayHttpError } from '../errors.ts';
import { legacyOutputsOf } from '../legacy-shape.ts';

/**
 * `GET /download/<token>`: streams one output of one job from the backend. Links work without credentials, as
 * legacy links do: the signature is the authorisation. Ranges are answered as the storage hosts these links
 * stand for answer them.
 */
export function downloadRoutes(app: Hono, context: GatewayContext): void {
  const { client, store, signer } = context;
  app.get('/download/:token', async (hono) => {
    const verdict = signer.verify(hono.req.param('token'));
    if (verdict === 'expired')
      throw new GatewayHttpError(403, 'The link has expired: GET the job again for a fresh one');
    if (verdict === 'invalid') throw new GatewayHttpError(403, 'The link is not valid');
    const record = await store.getJob(verdict.jobId);
    if (!record?.handle) throw new GatewayHttpError(404, 'No such output');
    const job = await client.get(record.handle, { signal: hono.req.raw.signal });
    const output = legacyOutputsOf(record.metadata, job.targets[0]).find(
      (each) => each.name === verdict.outputName,
    );
    if (!output) throw new GatewayHttpError(404, 'No such output');
    const download = await client.download(output.asset, { job: record.handle, signal: hono.req.raw.signal });
    const headers: Record<string, string> = {
      'content-type': output.asset.mimeType ?? mimeTypeOf(output.format),
      'content-disposition': attachmentDisposition(output.name, output.format),
      // A known length can be read in parts.
      ...(download.size === undefined ? {} : { 'accept-ranges': 'bytes' }),
    };
    const range = answerRange(hono.req.header('range'), download.size);
    if (range.kind === 'unsatisfiable') {
      await download.body.cancel();
      return new Response(null, {
        status: 416,
        headers: { ...headers, 'content-range': `bytes */${download.size}` },
      });
    }
    if (range.kind === 'part') {
      return new Response(sliceStream(download.body, range.start, range.end), {
        status: 206,
        headers: {
          ...headers,
          'content-range': `bytes ${range.start}-${range.end}/${download.size}`,
          'content-length': String(range.end - range.start + 1),
        },
      });
    }
    return new Response(download.body, {
      headers: {
        ...headers,
        ...(download.size === undefined ? {} : { 'content-length': String(download.size) }),
      },
    });
  });
}

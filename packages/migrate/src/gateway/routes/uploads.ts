import { Readable } from 'node:stream';
import { mimeTypeOf } from '@stemkit/core';
import { extensionOf, type SourceReference } from '@stemkit/core/driver';
import type { Context, Hono } from 'hono';
import * as z from 'zod/mini';
import { readJsonBody } from '../body.ts';
import { assetLink, type GatewayContext } from '../context.ts';
import { GatewayHttpError } from '../errors.ts';
import { legacyStyleId } from '../ids.ts';
import { legacyAssetJson } from '../legacy-shape.ts';
import { capped, MULTIPART_ENVELOPE_BYTES, tooLarge } from '../limits.ts';
import { streamMultipartFile } from '../multipart.ts';
import type { GatewayAsset } from '../store.ts';

/** A file name a client gives: any text but control characters. */
const FileNameSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[^\p{Cc}]*$/u, 'must not hold control characters'));

const LinkBodySchema = z.object({ link: z.string().check(z.minLength(1)), name: z.optional(FileNameSchema) });

/**
 * The ingest routes: `POST /upload` (multipart, streamed through to the backend) and `/upload/link` (with its
 * alias `/upload/audio-link`: a URL source where the backend takes one, else fetched by the gateway), each within
 * `maxUploadBytes`, link fetches within `linkTimeoutMs`.
 */
export function uploadRoutes(app: Hono, context: GatewayContext): void {
  const { driver, store, outbound, maxUploadBytes, linkTimeoutMs } = context;

  const register = async (asset: Omit<GatewayAsset, 'id' | 'createdAt'>): Promise<GatewayAsset> => {
    const stored = { ...asset, id: legacyStyleId(), createdAt: new Date().toISOString() };
    await store.putAsset(stored);
    return stored;
  };

  const upload = async (hono: Context) => {
    // A declared length past the limit (and the form's own few parts) is refused before a byte is read.
    if (Number(hono.req.header('content-length')) > maxUploadBytes + MULTIPART_ENVELOPE_BYTES)
      throw tooLarge('file', maxUploadBytes);
    const asset = await streamMultipartFile(hono.req.raw, async (file) => {
      const contentType = file.contentType === 'application/octet-stream' ? undefined : file.contentType;
      const bounded = capped(file.body, maxUploadBytes, 'file');
      const uploaded = await driver
        .upload(
          { body: bounded.body, name: file.name, ...(contentType ? { contentType } : {}) },
          { signal: hono.req.raw.signal },
        )
        .catch((error: unknown) => {
          throw bounded.exceeded() ? tooLarge('file', maxUploadBytes) : error;
        });
      const format = uploaded.format ?? extensionOf(file.name) ?? 'bin';
      return await register({
        name: file.name,
        format,
        fileType: contentType ?? uploaded.mimeType ?? mimeTypeOf(format),
        source: { asset: uploaded },
      });
    });
    return hono.json(legacyAssetJson(asset, assetLink(asset)));
  };
  app.post('/upload', upload);
  app.post('/upload/', upload);

  const uploadLink = async (hono: Context) => {
    const body = z.safeParse(LinkBodySchema, await readJsonBody(hono.req.raw));
    if (!body.success) throw new GatewayHttpError(400, 'link: a URL is required');
    let url: URL;
    try {
      url = new URL(body.data.link);
    } catch {
      throw new GatewayHttpError(400, 'link: not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new GatewayHttpError(400, 'link: only http(s) links are fetched');
    const name = body.data.name ?? nameOfLink(url);
    const format = extensionOf(name) ?? 'bin';
    // Refused, unresolvable, silent or answering an error: one answer, so the gateway cannot map a network.
    const unreachable = () => new GatewayHttpError(400, 'link: the link could not be fetched');
    let source: SourceReference;
    if (driver.capabilities.urlInput) {
      // The backend fetches it; the gateway still refuses to name a private address to it.
      await outbound.check(url.href).catch(() => {
        throw unreachable();
      });
      source = { url: url.href };
    } else {
      // One deadline for the whole fetch, however slowly the link drips its bytes.
      const deadline = AbortSignal.timeout(linkTimeoutMs);
      const signal = AbortSignal.any([hono.req.raw.signal, deadline]);
      const response = await outbound.request(url.href, { signal }).catch(() => {
        throw unreachable();
      });
      if (response.status < 200 || response.status > 299) {
        response.body.destroy();
        throw unreachable();
      }
      const size = Number(response.headers['content-length']);
      if (size > maxUploadBytes) {
        response.body.destroy();
        throw tooLarge('link', maxUploadBytes);
      }
      // A link that breaks off mid-body fails the upload too: that is the link's failure, not the backend's.
      let broken = false;
      response.body.on('error', () => {
        broken = true;
      });
      const bounded = capped(
        Readable.toWeb(response.body) as ReadableStream<Uint8Array>,
        maxUploadBytes,
        'link',
      );
      const uploaded = await driver
        .upload({ body: bounded.body, name, ...(size > 0 ? { size } : {}) }, { signal })
        .catch((error: unknown) => {
          if (bounded.exceeded()) throw tooLarge('link', maxUploadBytes);
          throw broken || deadline.aborted ? unreachable() : error;
        })
        .finally(() => response.body.destroy());
      source = { asset: uploaded };
    }
    const asset = await register({ name, format, fileType: mimeTypeOf(format), source });
    return hono.json(legacyAssetJson(asset, assetLink(asset)));
  };
  app.post('/upload/link', uploadLink);
  app.post('/upload/audio-link', uploadLink);
}

/** The last path segment of a link, as a file name. */
function nameOfLink(url: URL): string {
  const segment = url.pathname.split('/').pop() || 'upload';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

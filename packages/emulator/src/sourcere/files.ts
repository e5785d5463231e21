import type { Hono } from 'hono';
import * as z from 'zod';
import type { EmulatorContext } from '../context.ts';
import { readBody } from '../http/body.ts';
import { withExtension } from '../http/disposition.ts';
import { HttpError } from '../http/errors.ts';
import { displayName } from '../http/schemas.ts';
import type { Separation } from '../state/records.ts';
import { storageKey } from '../storage/keys.ts';
import { zonelessTimestamp } from '../time.ts';
import { requiredQuery, separationOf } from './lookup.ts';
import { mixId, prepare, responseKey, stemNames, zipPath } from './processing.ts';

/** Signed download links live a day, as in the documented examples. */
const linkLifetimeSeconds = 86_400;
export const downloadFormats = ['mp3', 'm4a', 'wav', 'flac'] as const;

const mixSchema = z.object({
  separationId: z.string().min(1),
  tracks: z
    .array(
      z.object({
        fileName: z.string().min(1),
        volume: z.number().min(0).max(1).default(1),
        pan: z.number().min(-1).max(1).default(0),
      }),
    )
    .min(1),
  mixName: displayName.optional(),
});

const zipSchema = z.object({
  separationId: z.string().min(1),
  tracks: z.array(z.string().min(1)).min(1),
  format: z.enum(downloadFormats).default('wav'),
  zipFileName: displayName.optional(),
});

/**
 * Download, mix and zip: every file is fetched through `/separation/download`, which answers 202 while the
 * file (a conversion, a mix, a zip) is prepared off the request path, then a signed storage link.
 */
export function registerFileRoutes(app: Hono, context: EmulatorContext): void {
  app.get('/separation/download', (hono) => {
    const separation = separationOf(context, hono.req.query('separationId'));
    const fileName = requiredQuery(hono.req.query('fileName'), 'fileName').replace(/^\/+/, '');
    const fileFormat = requiredQuery(hono.req.query('fileFormat'), 'fileFormat')
      .replace(/^\./, '')
      .toLowerCase();
    const pending = () => hono.json({ message: 'The file is being prepared' }, 202);
    const link = (key: string, downloadName: string) => {
      const signed = context.signer.sign(
        'GET',
        key,
        context.signedUrlLifetime(linkLifetimeSeconds),
        downloadName,
      );
      return hono.json({ signedUrl: signed.url, expiry: zonelessTimestamp(signed.expiresAt), method: 'GET' });
    };
    const answer = (name: string) => {
      const file = separation.derived[name];
      if (!file || file.status === 'pending') return pending();
      if (file.status === 'failed')
        throw new HttpError(500, `The file could not be prepared: ${file.message}`);
      return link(file.key, file.downloadName ?? name.split('/').at(-1) ?? name);
    };

    if (fileName.startsWith('zip/')) {
      if (fileFormat !== 'zip') throw new HttpError(400, 'fileFormat must be zip for a zip file');
      if (!separation.derived[fileName]) throw new HttpError(404, 'No zip with this fileName');
      return answer(fileName);
    }
    if (!(downloadFormats as readonly string[]).includes(fileFormat)) {
      throw new HttpError(400, 'fileFormat must be one of mp3, m4a, wav, flac');
    }
    if (fileName.startsWith('mix/')) {
      const master = separation.derived[fileName];
      if (!master) throw new HttpError(404, 'No mix with this fileName');
      if (master.status !== 'ready') return answer(fileName);
      const mixName = master.downloadName ?? fileName.slice(4);
      if (fileFormat === 'wav') return link(master.key, withExtension(mixName, 'wav'));
      const name = `${fileName}.${fileFormat}`;
      if (!separation.derived[name]) {
        const key = storageKey('sourcere', separation.id, name);
        const file = { key, status: 'pending' as const, downloadName: withExtension(mixName, fileFormat) };
        prepare(context, separation, name, file, {
          operation: 'convert',
          path: context.objects.path(master.key),
          format: fileFormat,
        });
      }
      return answer(name);
    }
    const stem = fileName.replace(/\.[a-z0-9]+$/i, '');
    if (!stemNames(separation.algorithm).includes(stem))
      throw new HttpError(404, 'No output file with this fileName');
    if (separation.failure) throw new HttpError(404, `The separation failed: ${separation.failure}`);
    if (!separation.outputFiles) return pending();
    if (fileFormat === 'wav') return link(responseKey(separation.id, `${stem}.wav`), `${stem}.wav`);
    const name = `${stem}.${fileFormat}`;
    if (!separation.derived[name]) {
      const file = { key: responseKey(separation.id, name), status: 'pending' as const };
      prepare(context, separation, name, file, {
        operation: 'convert',
        path: context.objects.path(responseKey(separation.id, `${stem}.wav`)),
        format: fileFormat,
      });
    }
    return answer(name);
  });

  const finished = (separation: Separation): string[] => {
    if (separation.failure) throw new HttpError(400, 'The separation failed');
    if (!separation.outputFiles)
      throw new HttpError(400, 'The separation has not finished: wait for outputFiles');
    return separation.outputFiles;
  };

  app.post('/separation/mix', async (hono) => {
    const body = await readBody(hono, mixSchema);
    const separation = separationOf(context, body.separationId);
    const outputs = finished(separation);
    const tracks = body.tracks.map((track) => {
      const file = track.fileName.endsWith('.wav') ? track.fileName : `${track.fileName}.wav`;
      if (!outputs.includes(file)) throw new HttpError(404, `No output file named ${track.fileName}`);
      return { file, volume: track.volume, pan: track.pan };
    });
    const id = mixId();
    const file = {
      key: storageKey('sourcere', separation.id, `${id}.wav`),
      status: 'pending' as const,
      downloadName: body.mixName,
    };
    prepare(context, separation, id, file, {
      operation: 'mix',
      tracks: tracks.map((track) => ({
        path: context.objects.path(responseKey(separation.id, track.file)),
        volume: track.volume,
        pan: track.pan,
      })),
    });
    return hono.json({ mixId: id });
  });

  app.post('/separation/zip', async (hono) => {
    const body = await readBody(hono, zipSchema);
    const separation = separationOf(context, body.separationId);
    const outputs = finished(separation);
    const stems = body.tracks.map((track) => {
      const stem = track.replace(/\.[a-z0-9]+$/i, '');
      if (!outputs.includes(`${stem}.wav`)) throw new HttpError(404, `No output file named ${track}`);
      return stem;
    });
    const path = zipPath();
    // A name given with its extension (`ok.zip`) keeps it, rather than downloading as `ok.zip.zip`.
    const downloadName = withExtension(body.zipFileName ?? path.slice(4, -4), 'zip');
    const file = {
      key: storageKey('sourcere', separation.id, path),
      status: 'pending' as const,
      downloadName,
    };
    prepare(context, separation, path, file, {
      operation: 'zip',
      files: stems.map((stem) => ({
        path: context.objects.path(responseKey(separation.id, `${stem}.wav`)),
        name: `${stem}.${body.format}`,
      })),
      format: body.format,
    });
    return hono.json({ zipFilePath: path });
  });
}

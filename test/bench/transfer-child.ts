// One transfer in its own process, so its peak memory is the client's alone: an upload of a file through a
// driver, or a download through the client (`stemkit.download`); or the same transfer written by hand with
// Node's `fetch` (`upload-fetch`, `download-fetch`). Prints one JSON line.
import { openAsBlob, statSync } from 'node:fs';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { type Asset, createStemkit, type StemkitDriver } from '@stemkit/core';
import { createStemkit as createNodeStemkit } from '@stemkit/core/node';
import { sourcere } from '@stemkit/sourcere';

interface EmulatorInfo {
  sourcere: { baseUrl: string; username: string; password: string };
  legacy: { baseUrl: string; token: string };
  tasks: { baseUrl: string; apiKey: string };
}

const [mode, driverName, file, emulatorJson, downloadUrl] = process.argv.slice(2) as [
  'upload' | 'download' | 'upload-fetch' | 'download-fetch' | 'idle',
  'sourcere' | 'legacy' | 'tasks',
  string,
  string,
  string | undefined,
];
const emulator = JSON.parse(emulatorJson) as EmulatorInfo;

function createDriver(): StemkitDriver {
  switch (driverName) {
    case 'sourcere':
      return sourcere({
        baseUrl: emulator.sourcere.baseUrl,
        username: emulator.sourcere.username,
        password: emulator.sourcere.password,
      });
    case 'legacy':
      return audioshakeLegacy({ baseUrl: emulator.legacy.baseUrl, token: emulator.legacy.token });
    case 'tasks':
      return audioshakeTasks({ baseUrl: emulator.tasks.baseUrl, apiKey: emulator.tasks.apiKey });
  }
}

const driver = createDriver();
// Every transfer loads Node's fetch (undici) on its first request: the idle process loads it too, so the
// difference is what the transfer itself holds.
if (mode === 'idle') void globalThis.Request;
const startedAt = performance.now();
let url: string | undefined;
let bytes = 0;
if (mode === 'upload') {
  // The public path: a file path given to the Node client. Without `inspect`, so the figure is the transfer
  // alone, not the provider's analysis of the (random) bytes afterwards.
  const stemkit = createNodeStemkit({ driver: { ...driver, inspect: undefined } });
  const asset = await stemkit.upload(file, { name: 'blob.wav' });
  url = asset.url;
  bytes = statSync(file).size;
} else if (mode === 'upload-fetch') {
  url = await uploadByHand();
  bytes = statSync(file).size;
} else if (mode === 'download-fetch') {
  const response = await fetch(downloadUrl as string);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
    bytes += chunk.value.byteLength;
} else if (mode === 'download') {
  // The driver's only part in a download is the link; the client does the transfer. Serve it the stored file.
  const linked: StemkitDriver = {
    ...driver,
    link: async () => ({ ready: true, url: downloadUrl as string }),
  };
  const stemkit = createStemkit({ driver: linked });
  const asset: Asset = { id: 'bench', name: 'blob.wav', role: 'stem', provider: driver.provider, raw: {} };
  const { body } = await stemkit.download(asset, {
    job: { contract: 1, provider: driver.provider, id: 'bench' },
  });
  const reader = body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
    bytes += chunk.value.byteLength;
}
const seconds = (performance.now() - startedAt) / 1_000;
console.log(JSON.stringify({ seconds, bytes, url }));

/** What a developer would write with Node's `fetch` alone: the file as a file-backed Blob, the same calls. */
async function uploadByHand(): Promise<string | undefined> {
  const blob = await openAsBlob(file);
  const json = async (response: Response) => {
    if (!response.ok) throw new Error(`${response.url} answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };
  /** The multipart POST both AudioShake APIs take; the stored file's link. */
  const postFile = async (url: string, headers: Record<string, string>) => {
    const body = new FormData();
    body.append('file', blob, 'blob.wav');
    return String((await json(await fetch(url, { method: 'POST', headers, body }))).link);
  };
  switch (driverName) {
    case 'sourcere': {
      const { baseUrl, username, password } = emulator.sourcere;
      const headers = { 'content-type': 'application/json' };
      const auth = await json(
        await fetch(`${baseUrl}/auth/`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ username, password }),
        }),
      );
      const slot = await json(
        await fetch(`${baseUrl}/separation/create`, {
          method: 'POST',
          headers: { ...headers, authorization: String(auth.token) },
          body: '{}',
        }),
      );
      const put = await fetch(String(slot.signedUrl), {
        method: 'PUT',
        headers: { 'content-type': 'text/plain' },
        body: blob,
      });
      if (!put.ok) throw new Error(`the signed PUT answered ${put.status}`);
      return undefined;
    }
    case 'legacy':
      return postFile(`${emulator.legacy.baseUrl}/upload`, {
        authorization: `Bearer ${emulator.legacy.token}`,
      });
    case 'tasks':
      return postFile(`${emulator.tasks.baseUrl}/assets`, { 'x-api-key': emulator.tasks.apiKey });
  }
}

// One transfer in its own process, so its peak memory is the client's alone: an upload of a file through a
// driver, or a download through the client (`stemkit.download`). Prints one JSON line.
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { audioshakeLegacy, audioshakeTasks } from '@stemkit/audioshake';
import { type Asset, createStemkit, type StemkitDriver } from '@stemkit/core';
import { sourcere } from '@stemkit/sourcere';

interface EmulatorInfo {
  sourcere: { baseUrl: string; username: string; password: string };
  legacy: { baseUrl: string; token: string };
  tasks: { baseUrl: string; apiKey: string };
}

const [mode, driverName, file, emulatorJson, downloadUrl] = process.argv.slice(2) as [
  'upload' | 'download' | 'idle',
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
const startedAt = performance.now();
let url: string | undefined;
let bytes = 0;
if (mode === 'upload') {
  const size = statSync(file).size;
  const body = Readable.toWeb(
    createReadStream(file, { highWaterMark: 1 << 20 }),
  ) as ReadableStream<Uint8Array>;
  const asset = await driver.upload({
    body,
    name: 'blob.wav',
    size,
    contentType: 'application/octet-stream',
  });
  url = asset.url;
  bytes = size;
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

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { build } from 'esbuild';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

// A real browser (Debian's Chromium, driven by playwright-core) loads a page that bundles @stemkit/core and the
// Sourcere driver — their built `dist`, as a bundler would — and runs a job against the emulator on another
// origin, so CORS is exercised on the API and on the signed-URL storage host.
const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>stemkit in a browser</title></head>
<body><p id="status">loading</p><ul id="stems"></ul><script type="module" src="/page.js"></script></body></html>`;

let emulator: RunningEmulator;
let server: Server;
let browser: BrowserContext;
let profile: string;
let origin: string;

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 }, cors: true });
  const bundle = await build({
    entryPoints: [new URL('./page.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2023',
    write: false,
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0]!.text;
  const config = JSON.stringify(emulator.sourcere);
  server = createServer((request, response) => {
    const [type, body] =
      request.url === '/page.js'
        ? ['text/javascript', script]
        : request.url === '/config.json'
          ? ['application/json', config]
          : ['text/html', html];
    response.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  profile = await mkdtemp(join(tmpdir(), 'stemkit-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((closed) => (server ? server.close(closed) : closed(undefined)));
  await emulator?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

it('runs a job in Chromium and shows the stems', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(origin);
  await page.waitForSelector('body[data-state]', { timeout: 45_000 });
  const status = await page.textContent('#status');
  expect({ status, problems }).toEqual({ status: 'succeeded', problems: [] });

  const stems = await page.$$eval('#stems li', (items) =>
    items.map((item) => ({
      stem: item.getAttribute('data-stem'),
      size: Number(item.getAttribute('data-size')),
      text: item.firstChild?.textContent,
      audio: item.querySelector('audio')?.src.startsWith('blob:'),
    })),
  );
  // One second of 22.05 kHz mono: the emulator's 24-bit WAV masters are 3 bytes a frame plus a header.
  expect(stems.map(({ stem, text, audio }) => ({ stem, text, audio }))).toEqual([
    { stem: 'vocals', text: expect.stringMatching(/^vocals\.wav \(\d+ bytes\)$/), audio: true },
    { stem: 'instrumental', text: expect.stringMatching(/^instrumental\.wav \(\d+ bytes\)$/), audio: true },
  ]);
  for (const { size } of stems) expect(size).toBeGreaterThan(22_050 * 2);
}, 60_000);

import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Core's main entry must load where there is no Node: bundle it for the browser, where a Node built-in cannot
// resolve, and make sure nothing Node-specific slipped into the output.

const entry = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

function bundle(path: string, format: 'esm' | 'iife' = 'esm') {
  return build({
    entryPoints: [entry(path)],
    bundle: true,
    platform: 'browser',
    format,
    globalName: 'stemkit',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    conditions: ['@stemkit/source'],
  });
}

describe("core's main entry", () => {
  it('bundles for the browser without any Node built-in', async () => {
    const result = await bundle('index.ts');
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('src/client/create.ts'))).toBe(true);
    expect(inputs.filter((input) => input.startsWith('node:') || input.includes('/src/node/'))).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/["']node:/);
    expect(code).not.toMatch(/\brequire\(/);
  });

  it('runs in a context with only Web globals (no process, require or Buffer)', async () => {
    const result = await bundle('index.ts', 'iife');
    const web = {
      ...{ URL, URLSearchParams, TextEncoder, TextDecoder, ReadableStream, TransformStream, WritableStream },
      ...{
        Headers,
        Request,
        Response,
        Blob,
        File,
        AbortController,
        AbortSignal,
        DOMException,
        crypto,
        atob,
        btoa,
      },
      ...{ setTimeout, clearTimeout, console, fetch: async () => new Response('{}') },
    };
    const context: Record<string, unknown> = { ...web };
    context.globalThis = context;
    runInNewContext(`${result.outputFiles[0]!.text}; globalThis.loaded = stemkit;`, context);
    const loaded = context.loaded as typeof import('../../src/index.ts');
    expect(loaded.handleToToken).toBeTypeOf('function');
    expect(loaded.deriveJobStatus(['succeeded', 'failed'])).toBe('partial');
    const client = loaded.createStemkit({
      driver: {
        contract: 1,
        provider: 'inline',
        capabilities: { stems: 'any', formats: ['wav'], trial: false, residual: false, transcription: false },
        upload: async () => undefined,
        start: async () => undefined,
        status: async () => undefined,
        link: async () => undefined,
      } as never,
    });
    expect(client.capabilities).toMatchObject({ provider: 'inline', mix: false });
    const error = await client.upload('./song.wav').catch((caught: unknown) => caught);
    expect(loaded.InvalidArgumentError.isInstance(error)).toBe(true);
  });

  it('would be caught importing one: the Node entry does not bundle for the browser', async () => {
    await expect(bundle('node/index.ts')).rejects.toThrow(/node:/);
  });
});

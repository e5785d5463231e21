/**
 * "Swap one line and nothing else changes": one app script runs against each driver on the emulator, and the
 * neutral results are compared structurally — the same keys, names and types everywhere. A key only some drivers
 * give must be declared by a capability (and so be listed in docs/providers/capabilities.md); anything else
 * that differs is a driver drifting, and fails here.
 */
import { localAudio } from '@stemkit/audio';
import {
  type CapabilityMatrix,
  type Job,
  type StemkitDriver,
  UnsupportedCapabilityError,
} from '@stemkit/core';
import { createStemkit } from '@stemkit/core/node';
import { type RunningEmulator, startEmulator } from '@stemkit/emulator';
import { emulatorSettings, loadProviders, PROVIDERS } from '@stemkit/providers';
import { sampleWav } from '@stemkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STEMS = ['vocals', 'drums', 'bass', 'other'];

let emulator: RunningEmulator;
const runs = new Map<
  string,
  { capabilities: CapabilityMatrix; started: Job; result: Record<string, unknown> }
>();

beforeAll(async () => {
  emulator = await startEmulator({ processing: { speed: 200 } });
  // Every entry of the providers table, on the emulated API its entry names.
  const drivers: StemkitDriver[] = (await loadProviders()).map(({ factory, emulatorApi }) =>
    factory(
      emulatorSettings(
        factory,
        (emulator as unknown as Record<string, Record<string, string>>)[emulatorApi] ?? {},
      ),
    ),
  );
  for (const driver of drivers) runs.set(driver.provider, await appScript(driver));
}, 180_000);
afterAll(() => emulator?.close());

/** The app: written once, run on every driver. Only the driver line differs. */
async function appScript(driver: StemkitDriver) {
  const stemkit = createStemkit({
    driver,
    plugins: [localAudio()],
    wait: { initialDelayMs: 50, maxDelayMs: 250 },
  });
  const { capabilities } = stemkit;
  const source = await stemkit.upload(sampleWav({ seconds: 2 }), { name: 'song.wav' });
  const started = await stemkit.separate({
    source,
    stems: STEMS,
    ...(capabilities.trial ? { trial: { start: 0, seconds: 1 } } : {}),
  });
  const job = await stemkit.wait(started);
  const downloads = [];
  for (const target of job.targets) {
    for (const output of target.outputs) {
      const { asset, body, size } = await stemkit.download(output);
      downloads.push({ asset, size, bytes: (await new Response(body).arrayBuffer()).byteLength });
    }
  }
  const tracks = [
    { stem: 'vocals', volume: 1, pan: 0 },
    { stem: 'drums', volume: 0.5, pan: 0.3 },
  ];
  const mix = await stemkit.mix(job, { tracks, name: 'mymix', format: 'mp3' });
  const mixed = await stemkit.download(mix);
  await mixed.body.cancel();
  const zip = await stemkit.zip(job, { stems: STEMS, format: 'wav', name: 'z' });
  const zipped = await stemkit.download(zip);
  await zipped.body.cancel();
  const list = await attempt(async () => {
    const jobs: Job[] = [];
    for await (const each of stemkit.list({ pageSize: 5 })) {
      jobs.push(each);
      break;
    }
    return jobs;
  });
  const usage = await attempt(() => stemkit.usage());
  return {
    capabilities,
    // `started` is compared on its own: which times a just-started job has depends on how far it got.
    started,
    result: { source, job, downloads, mix, mixed: mixed.asset, zip, zipped: zipped.asset, list, usage },
  };
}

/** The value, or the typed refusal of a capability the driver lacks. */
async function attempt<Value>(operation: () => Promise<Value>) {
  try {
    return { value: await operation() };
  } catch (error) {
    if (!UnsupportedCapabilityError.isInstance(error)) throw error;
    return { refused: { code: error.code, capability: error.capability } };
  }
}

// ---- the structural comparison

/**
 * Every path (`job.targets[].outputs[].name`) with its types; `[]` stands for any element, and an array's own
 * path has the type `array` (also `empty` when it has no element: nothing under it to compare).
 */
function paths(value: unknown, path = '', into = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const add = (type: string) => {
    if (!into.has(path)) into.set(path, new Set());
    into.get(path)?.add(type);
  };
  if (Array.isArray(value)) {
    add(value.length === 0 ? 'empty' : 'array');
    for (const element of value) paths(element, `${path}[]`, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, entry] of Object.entries(value)) {
      // The provider's payloads and what a driver keeps in its handles are the driver's own, by design.
      if (key === 'raw' || (path.endsWith('handle') && (key === 'data' || key === 'parts'))) continue;
      paths(entry, path === '' ? key : `${path}.${key}`, into);
    }
  } else {
    add(value === null ? 'null' : typeof value);
  }
  return into;
}

/**
 * Keys some drivers have and others do not, and the capability that declares each: a driver may have the key
 * only where its matrix says yes. Both are listed in the generated capability matrix.
 */
const DECLARED: ReadonlyArray<{ readonly key: RegExp; readonly capability: keyof CapabilityMatrix }> = [
  { key: /(^|\.)source\.(durationSeconds|channels|sampleRate)$/, capability: 'sourceMetadata' },
  { key: /\.(url|expiresAt)$/, capability: 'links' },
  { key: /^list\.(value|refused)/, capability: 'list' },
  { key: /^usage\.(value|refused)/, capability: 'usage' },
];

/** The link a download used: on every driver's downloads, but not on a mix or zip made on this machine. */
const LINK_USED = /^(downloads\[\]\.asset|mixed|zipped)\.(url|expiresAt)$/;

/** What differs between the drivers' results, beyond what a capability declares. Empty when none drifts. */
function differences(
  all: ReadonlyMap<string, { capabilities: CapabilityMatrix; result: Record<string, unknown> }>,
): string[] {
  const byDriver = new Map([...all].map(([provider, run]) => [provider, paths(run.result)]));
  const everyPath = new Set([...byDriver.values()].flatMap((each) => [...each.keys()]));
  const found: string[] = [];
  for (const path of [...everyPath].sort()) {
    // A downloaded asset carries the link it came through, whoever gave it; a local mix or zip has none.
    if (LINK_USED.test(path)) continue;
    const declared = DECLARED.find((rule) => rule.key.test(path));
    const types = new Set<string>();
    for (const [provider, driverPaths] of byDriver) {
      const has = driverPaths.get(path);
      const capabilities = all.get(provider)?.capabilities;
      if (declared) {
        const allowed = Boolean(capabilities?.[declared.capability]);
        const refusal = path.includes('.refused');
        // A declared key: present only where the capability says yes (a refusal only where it says no);
        // link keys may be missing anywhere (a link is given when the provider has one).
        if (has && allowed === refusal)
          found.push(`${path}: ${provider} has it, but ${declared.capability} is ${allowed}`);
        if (
          !has &&
          allowed !== refusal &&
          declared.capability !== 'links' &&
          !coveredByEmptyArray(path, driverPaths)
        ) {
          found.push(`${path}: ${provider} lacks it, but ${declared.capability} is ${allowed}`);
        }
      } else if (!has) {
        if (!coveredByEmptyArray(path, driverPaths)) found.push(`${path}: missing on ${provider}`);
      }
      for (const type of has ?? []) types.add(type === 'empty' ? 'array' : type);
    }
    if (types.size > 1) found.push(`${path}: types differ (${[...types].join(', ')})`);
  }
  return found;
}

/** Whether a path lies under an array that is empty on this driver (nothing to compare there). */
function coveredByEmptyArray(path: string, driverPaths: Map<string, Set<string>>): boolean {
  const arrays = [...path.matchAll(/\[\]/g)].map((match) => path.slice(0, match.index));
  return arrays.some((array) => driverPaths.get(array)?.has('empty'));
}

describe('one app script, three drivers', () => {
  it('gives the same neutral shape on every driver: every difference is declared by a capability', () => {
    expect([...runs.keys()]).toEqual(PROVIDERS.map((entry) => entry.provider));
    expect(differences(runs)).toEqual([]);
  });

  it('fails when a driver drifts', () => {
    const drifted = new Map(runs);
    const tasks = runs.get('audioshake-tasks')!;
    const job = tasks.result.job as Job;
    drifted.set('audioshake-tasks', {
      ...tasks,
      result: { ...tasks.result, job: { ...job, source: { ...job.source, name: 42 }, extra: true } },
    });
    expect(differences(drifted)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^job\.extra: missing on sourcere/),
        expect.stringMatching(/^job\.source\.name: types differ/),
      ]),
    );
  });

  it('starts every job the same way', () => {
    const started = new Map(
      [...runs].map(([provider, run]) => [provider, { ...run, result: { started: run.started } }]),
    );
    // How far a just-started job got (its stage, when it started) depends on timing; the rest may not differ.
    const timing = /^started\.(startedAt|updatedAt|progress\.(stage|events.*))$/;
    expect(differences(started).filter((difference) => !timing.test(difference.split(':')[0] ?? ''))).toEqual(
      [],
    );
    for (const [provider, { started: job }] of runs) {
      expect(['queued', 'running'], provider).toContain(job.status);
      expect(job.source?.name, provider).toBe('song.wav');
    }
  });

  it('names things the same everywhere: sources, outputs, mixes and zips with their extension', () => {
    for (const [provider, { result, capabilities }] of runs) {
      const job = result.job as Job;
      expect(job.status, provider).toBe('succeeded');
      expect(job.source?.name, provider).toBe('song.wav');
      expect(
        job.targets.map((target) => target.stem),
        provider,
      ).toEqual(STEMS);
      expect(
        job.targets.flatMap((target) => target.outputs.map((output) => output.name)),
        provider,
      ).toEqual(STEMS.map((stem) => `${stem}.wav`));
      expect(job.progress?.fraction, provider).toBe(1);
      for (const download of result.downloads as Array<{ bytes: number }>)
        expect(download.bytes).toBeGreaterThan(44);
      expect(result.mix, provider).toMatchObject({ name: 'mymix.mp3', format: 'mp3', role: 'mix' });
      expect(result.zip, provider).toMatchObject({ name: 'z.zip', format: 'zip', role: 'archive' });
      const list = result.list as { refused?: { capability: string } };
      const usage = result.usage as { refused?: { capability: string } };
      if (!capabilities.list) expect(list.refused?.capability, provider).toBe('list');
      else {
        // A listed job has the shape of a job read with `get`.
        const [listed] = (result.list as { value: Job[] }).value;
        const keys = (value: unknown) =>
          [...paths(value).keys()].filter((path) => !/(url|expiresAt)$/.test(path));
        expect(keys(listed), provider).toEqual(keys(job));
      }
      if (!capabilities.usage) expect(usage.refused?.capability, provider).toBe('usage');
    }
  });
});

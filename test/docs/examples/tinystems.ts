// A complete driver for Tinystems, a small stem-separation API: upload a file, start a split, read it until it
// is done, download each stem from a signed link. Everything around it (settings from options or the
// environment, retries, error classes, secrets, waiting, streaming) comes from @stemkit/core/driver, and so do
// the kits it is built on: an upload preset, a status table, the outputs kit and its default `link`.
import {
  type Asset,
  type DriverCapabilities,
  type DriverOptions,
  defineDriver,
  deriveJobStatus,
  inferOutputRole,
  type Job,
  type JobHandle,
  linkFromStatus,
  outputMimeType,
  type StartRequest,
  statusTable,
  UnsupportedCapabilityError,
  uploadRaw,
  z,
} from '@stemkit/core/driver';

// options.ts — what a user passes; `apiKey` and `baseUrl` fall back to the environment.
export interface TinystemsOptions extends DriverOptions {
  /** The account's API key (default: `TINYSTEMS_API_KEY`). */
  readonly apiKey?: string;
  /** The API host (default: `TINYSTEMS_BASE_URL`, else production). */
  readonly baseUrl?: string;
}

const settings = {
  apiKey: { env: 'TINYSTEMS_API_KEY', required: true, secret: true },
  baseUrl: { env: 'TINYSTEMS_BASE_URL', default: 'https://api.tinystems.example/v1/' },
} as const;

// wire.ts — lenient schemas: only the fields we read; everything else stays in `raw`.
const FilePayload = z.looseObject({ id: z.string(), size: z.nullish(z.number()) });
const SplitPayload = z.looseObject({
  id: z.string(),
  status: z.string(),
  stems: z.array(z.string()),
  error: z.nullish(z.string()),
  created_at: z.nullish(z.string()),
  results: z.nullish(
    z.array(z.looseObject({ stem: z.string(), url: z.string(), expires_at: z.nullish(z.string()) })),
  ),
});
type SplitPayload = z.infer<typeof SplitPayload>;

// catalog.ts — what the provider can do, and its one rule the capabilities cannot express.
const capabilities: DriverCapabilities = {
  stems: ['vocals', 'accompaniment', 'drums', 'bass'],
  formats: ['wav'],
  maxTargets: 3,
  trial: false,
  residual: false,
  transcription: false,
  alignment: false,
  callbacks: false,
  urlInput: false,
  variants: false,
  languages: false,
  links: true,
};

function validate(request: Omit<StartRequest, 'source'>): void {
  const stems = request.targets.map((target) => target.stem);
  if (stems.includes('accompaniment') && stems.some((stem) => stem === 'drums' || stem === 'bass')) {
    throw new UnsupportedCapabilityError(
      'stem:accompaniment',
      'Tinystems makes accompaniment with vocals only: split drums and bass in another job',
    );
  }
}

// to-neutral.ts — one split is one job; every stem is a target sharing the split's status. The status table
// names every documented word; an undocumented one counts as running, so waiting goes on rather than stop on a
// guess (leave `unknown` out to make it an InvalidResponseError instead).
const splitStatus = statusTable({
  provider: 'tinystems',
  table: { pending: 'queued', processing: 'running', done: 'succeeded', error: 'failed' },
  unknown: 'running',
});

function toJob(split: SplitPayload, handle: JobHandle, provider: string): Job {
  const status = splitStatus(split.status);
  const targets = split.stems.map((stem) => {
    const result = split.results?.find((each) => each.stem === stem);
    const outputs: Asset[] = result
      ? [
          {
            id: `${split.id}/${stem}`,
            name: `${stem}.wav`,
            role: inferOutputRole(`${stem}.wav`, 'wav'),
            stem,
            format: 'wav',
            mimeType: outputMimeType('wav'),
            url: result.url,
            expiresAt: result.expires_at ?? undefined,
            provider,
            raw: result,
          },
        ]
      : [];
    const error = status === 'failed' ? { message: split.error ?? 'the split failed' } : undefined;
    return { id: `${split.id}/${stem}`, stem, formats: ['wav'], status, outputs, error, raw: result ?? null };
  });
  return {
    id: split.id,
    provider,
    status: deriveJobStatus(targets.map((target) => target.status)),
    targets,
    warnings: [],
    createdAt: split.created_at ?? undefined,
    handle,
    raw: split,
  };
}

// driver.ts — the wiring: one function per provider operation, each one request. `@__PURE__` lets a bundler
// drop the driver from an app that does not use it.
export const tinystems = /* @__PURE__ */ defineDriver({
  provider: 'tinystems',
  settings,
  create(context, _options: TinystemsOptions) {
    const { apiKey, baseUrl } = context.settings;
    const http = context.http({ baseUrl, authenticate: () => ({ authorization: `Bearer ${apiKey}` }) });
    const status = async (handle: JobHandle, { signal }: { signal?: AbortSignal } = {}) => {
      const { id } = context.readHandle(handle);
      const path = `splits/${encodeURIComponent(id)}`;
      const { data } = await http.call({
        method: 'GET',
        path,
        schema: SplitPayload,
        signal,
        what: 'read the split',
      });
      return { job: toJob(data, handle, context.provider) };
    };

    return {
      capabilities,
      validate,
      async upload(request, { signal } = {}) {
        // The raw body, named by Content-Disposition: one of the kit's four upload presets.
        const data = await uploadRaw(http, request, { path: 'files', schema: FilePayload, signal });
        return { id: data.id, name: request.name, role: 'source', provider: context.provider, raw: data };
      },
      async start(request, { signal } = {}) {
        const { asset } = request.source as { readonly asset: Asset }; // no `urlInput`: always an upload
        const { data } = await http.call({
          method: 'POST',
          path: 'splits',
          json: { file_id: asset.id, stems: request.targets.map((target) => target.stem), format: 'wav' },
          schema: SplitPayload,
          idempotent: false,
          signal,
          what: 'start a split',
        });
        const handle = context.handle(data.id);
        return { handle, job: toJob(data, handle, context.provider) };
      },
      status,
      // Links expire: the split itself is where a fresh one comes from, so `link` reads it again and finds the
      // output there. Tinystems converts nothing: another format is unsupported, with this remedy.
      link: linkFromStatus(status, () => 'Tinystems makes wav only'),
    };
  },
});

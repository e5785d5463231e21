// The two Demucs models of the provider note, keyed by version id (schemas drift between versions).

/** A Demucs model version the emulator serves, with its own input schema. */
export interface DemucsVersion {
  readonly model: 'ryan5453/demucs' | 'cjwbw/demucs';
  /** The input field naming the network: `model` (ryan5453) or `model_name` (cjwbw). */
  readonly networkField: 'model' | 'model_name';
  readonly networks: readonly string[];
}

const ryan: DemucsVersion = {
  model: 'ryan5453/demucs',
  networkField: 'model',
  networks: ['htdemucs', 'htdemucs_ft', 'htdemucs_6s', 'hdemucs_mmi', 'mdx_q', 'mdx_extra_q'],
};
const cjwbw: DemucsVersion = {
  model: 'cjwbw/demucs',
  networkField: 'model_name',
  networks: [
    'htdemucs',
    'htdemucs_ft',
    'htdemucs_6s',
    'hdemucs_mmi',
    'mdx',
    'mdx_q',
    'mdx_extra',
    'mdx_extra_q',
  ],
};

/** Every version served, by id. */
export const demucsVersions: Readonly<Record<string, DemucsVersion>> = {
  '5a7041cc9b82e5a558fea6b3d7b12dea89625e89da33f0447bd727c2d0ab9e77': ryan,
  '7a9db77ed93f8f4f7e233a94d8519a867fbaa9c6d16ea5b53c1394f1557f9c61': ryan,
  '25a173108cff36ef9f80f854c162d01df9e6528be175794b81158fa03836d953': cjwbw,
  abf8fe28e407afa6d8e41e86a759caccc0af8e49c3c68016006b62cb0968441e: cjwbw,
};

/** The version `POST /models/{owner}/{name}/predictions` runs (tolerated for these community models). */
export const latestVersions: Readonly<Record<string, string>> = {
  'ryan5453/demucs': '5a7041cc9b82e5a558fea6b3d7b12dea89625e89da33f0447bd727c2d0ab9e77',
  'cjwbw/demucs': '25a173108cff36ef9f80f854c162d01df9e6528be175794b81158fa03836d953',
};

/** The version id of `version` as the API takes it: a bare id, or `owner/name:id`. */
export function versionIdOf(version: string): string {
  return version.includes(':') ? version.slice(version.lastIndexOf(':') + 1) : version;
}

/** The stems a network writes: four, six with `htdemucs_6s`. */
export function stemsOf(network: string): readonly string[] {
  const four = ['vocals', 'drums', 'bass', 'other'];
  return network === 'htdemucs_6s' ? [...four, 'guitar', 'piano'] : four;
}

/**
 * The output keys of a prediction and which stem each holds (`residualOf` for the sum of the others): all
 * stems, or with `stem` that stem and its residual — `no_<stem>` on ryan5453, `other` on cjwbw (whose other
 * keys are then `null`, as are the stems a 4-stem network lacks).
 */
export function outputPlan(
  version: DemucsVersion,
  network: string,
  stem: string | undefined,
): Array<{ key: string; stem: string | null; residualOf?: string }> {
  const stems = stemsOf(network);
  const six = ['vocals', 'bass', 'drums', 'guitar', 'piano', 'other'];
  if (!stem) {
    if (version.model === 'ryan5453/demucs') return stems.map((each) => ({ key: each, stem: each }));
    return six.map((key) => ({ key, stem: stems.includes(key) ? key : null }));
  }
  if (version.model === 'ryan5453/demucs') {
    return [
      { key: stem, stem },
      { key: `no_${stem}`, stem: null, residualOf: stem },
    ];
  }
  return six.map((key) =>
    key === stem
      ? { key, stem }
      : key === 'other'
        ? { key, stem: null, residualOf: stem }
        : { key, stem: null },
  );
}

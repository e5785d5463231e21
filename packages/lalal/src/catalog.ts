import {
  InvalidArgumentError,
  type OutputFormat,
  type StartRequest,
  type StemName,
  type TargetRequest,
} from '@stemkit/core/driver';

// The mapping of neutral targets onto LALAL.AI tasks, as small pure functions (the fan-out kit's "plan" part).

/** The split endpoints, each making one task. */
export type SplitEndpoint = 'stem_separator' | 'multistem' | 'demuser' | 'voice_clean';

/** LALAL.AI's separation models; `auto` (the default) lets the server pick the newest that fits the stem. */
export const LALAL_SPLITTERS = ['auto', 'andromeda', 'perseus', 'orion', 'phoenix', 'lyra', 'lynx'] as const;
/** A splitter name, a target's `variant`. */
export type LalalSplitter = (typeof LALAL_SPLITTERS)[number];

/** Neutral stem → the provider's stem name (stem_separator and multistem). */
const STEM_NAMES: Readonly<Record<string, string>> = {
  vocals: 'vocals',
  drums: 'drum',
  bass: 'bass',
  piano: 'piano',
  electric_guitar: 'electric_guitar',
  acoustic_guitar: 'acoustic_guitar',
  synthesizer: 'synthesizer',
  strings: 'strings',
  wind: 'wind',
};
/** The stems `split/multistem/` takes in one task. */
const MULTISTEM = new Set(['vocals', 'drum', 'bass', 'piano', 'electric_guitar', 'acoustic_guitar']);
/** Stems only `phoenix` separates. */
const PHOENIX_ONLY = new Set(['synthesizer', 'strings', 'wind']);
/** What each splitter separates (the vendor's own scripts; the spec names only phoenix's three). */
const SPLITTER_STEMS: Readonly<Partial<Record<LalalSplitter, ReadonlySet<string>>>> = {
  andromeda: new Set(['vocals', 'drum', 'bass']),
  perseus: MULTISTEM,
  orion: MULTISTEM,
};

/**
 * The neutral stems the driver takes: the stem separator's nine, `instrumental` (the vocals' back track), `music`
 * (the demuser's stem) and `voice` (the voice cleaner's).
 */
export const LALAL_STEMS: readonly StemName[] = [
  ...Object.keys(STEM_NAMES),
  'instrumental',
  'music',
  'voice',
];
/** Output formats (`encoder_format`). */
export const LALAL_FORMATS: readonly OutputFormat[] = ['mp3', 'wav', 'flac', 'aac', 'ogg'];

/** One task to create: its endpoint and presets. */
export interface PlannedTask {
  readonly endpoint: SplitEndpoint;
  readonly presets: Readonly<Record<string, unknown>>;
}

/** Where a target's files come from: its task and the labels of its track and of its residual. */
export interface Placement {
  readonly task: number;
  readonly label: string;
  readonly residualLabel?: string;
}

/** A neutral job as LALAL.AI tasks: the fewest tasks, and each target's place in them. */
export interface Plan {
  readonly tasks: readonly PlannedTask[];
  readonly placements: readonly Placement[];
}

const splitterOf = (target: TargetRequest): LalalSplitter => (target.variant ?? 'auto') as LalalSplitter;

/** Most targets of one job: at most 10 tasks, so that 20 jobs fit one `/check/` of 200 task ids. */
export const MAX_TARGETS = 10;

/**
 * Refuses what no task can make, before anything is sent: more than {@link MAX_TARGETS} targets, more than one
 * format per target, unknown splitters, a splitter that does not separate the stem.
 */
export function validateSeparation(request: Omit<StartRequest, 'source'>): void {
  if (request.targets.length > MAX_TARGETS) {
    throw new InvalidArgumentError('targets', `LALAL.AI jobs take at most ${MAX_TARGETS} targets`);
  }
  request.targets.forEach((target, index) => {
    if (target.formats.length !== 1) {
      throw new InvalidArgumentError(`targets.${index}.formats`, 'LALAL.AI delivers one format per target');
    }
    const splitter = splitterOf(target);
    if (!(LALAL_SPLITTERS as readonly string[]).includes(splitter)) {
      throw new InvalidArgumentError(
        `targets.${index}.variant`,
        `must be a splitter: ${LALAL_SPLITTERS.join(', ')}`,
      );
    }
    const stem = STEM_NAMES[target.stem === 'instrumental' ? 'vocals' : target.stem];
    const supported = SPLITTER_STEMS[splitter];
    const refused =
      (stem !== undefined && PHOENIX_ONLY.has(stem) && splitter !== 'auto' && splitter !== 'phoenix') ||
      (stem !== undefined && supported !== undefined && !supported.has(stem));
    if (refused) {
      throw new InvalidArgumentError(
        `targets.${index}.variant`,
        `${splitter} does not separate ${target.stem}`,
      );
    }
  });
}

/** Common presets: the splitter (left out for auto, as the vendor's scripts do) and the format. */
function common(target: TargetRequest): Record<string, unknown> {
  const splitter = splitterOf(target);
  return { ...(splitter === 'auto' ? {} : { splitter }), encoder_format: target.formats[0] };
}

/**
 * Plans the fewest tasks: `voice` and `music` each on their own endpoint; `instrumental` as the vocals' back
 * track; stems with a residual, and those multistem does not take, one stem separator task each; the others
 * of one splitter and format together in one multistem task (a lone one is a stem separator task).
 */
export function planTasks(targets: readonly TargetRequest[]): Plan {
  const tasks: PlannedTask[] = [];
  const placements: Placement[] = [];
  const single = new Map<string, number>();
  const add = (key: string, task: PlannedTask): number => {
    const known = single.get(key);
    if (known !== undefined) return known;
    single.set(key, tasks.push(task) - 1);
    return tasks.length - 1;
  };
  const stemTask = (stem: string, target: TargetRequest) =>
    add(`stem_separator:${stem}:${splitterOf(target)}:${target.formats[0]}`, {
      endpoint: 'stem_separator',
      presets: { ...common(target), stem },
    });
  const grouped = new Map<string, number[]>();
  const withInstrumental = new Set(
    targets
      .filter((target) => target.stem === 'instrumental')
      .map((target) => `${splitterOf(target)}:${target.formats[0]}`),
  );
  const placed: Array<Placement | undefined> = targets.map((target, index) => {
    const key = `${splitterOf(target)}:${target.formats[0]}`;
    if (target.stem === 'voice' || target.stem === 'music') {
      const endpoint = target.stem === 'voice' ? 'voice_clean' : 'demuser';
      const task = add(`${endpoint}:${key}`, { endpoint, presets: { ...common(target), stem: target.stem } });
      return { task, label: target.stem, residualLabel: `no_${target.stem}` };
    }
    if (target.stem === 'instrumental')
      return { task: stemTask('vocals', target), label: 'no_vocals', residualLabel: 'vocals' };
    const stem = STEM_NAMES[target.stem] ?? target.stem;
    const alone =
      target.residual === true || !MULTISTEM.has(stem) || (stem === 'vocals' && withInstrumental.has(key));
    if (alone) return { task: stemTask(stem, target), label: stem, residualLabel: `no_${stem}` };
    grouped.set(key, [...(grouped.get(key) ?? []), index]);
    return undefined;
  });
  for (const indexes of grouped.values()) {
    const first = targets[indexes[0] as number] as TargetRequest;
    if (indexes.length === 1) {
      const stem = STEM_NAMES[first.stem] as string;
      placed[indexes[0] as number] = {
        task: stemTask(stem, first),
        label: stem,
        residualLabel: `no_${stem}`,
      };
      continue;
    }
    const stems = indexes.map((index) => STEM_NAMES[(targets[index] as TargetRequest).stem] as string);
    const task = tasks.push({ endpoint: 'multistem', presets: { ...common(first), stem_list: stems } }) - 1;
    indexes.forEach((index, position) => {
      placed[index] = { task, label: stems[position] as string };
    });
  }
  placements.push(...(placed as Placement[]));
  return { tasks, placements };
}

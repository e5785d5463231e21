/**
 * Sliding medians by sorted windows: each step replaces the value that leaves with the value that enters and
 * moves it into order, O(window) at worst and usually far less, with no allocation.
 */

/** Index in `sorted[start, end)` of a value equal to `value` (it must be there). */
function find(sorted: Float32Array, start: number, end: number, value: number): number {
  let low = start;
  let high = end - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Replaces `leaving` by `entering` in the sorted window `sorted[start, end)`, keeping it sorted. */
export function replaceSorted(
  sorted: Float32Array,
  start: number,
  end: number,
  leaving: number,
  entering: number,
): void {
  let index = find(sorted, start, end, leaving);
  if (entering > leaving) {
    while (index + 1 < end && sorted[index + 1]! < entering) {
      sorted[index] = sorted[index + 1]!;
      index++;
    }
  } else {
    while (index > start && sorted[index - 1]! > entering) {
      sorted[index] = sorted[index - 1]!;
      index--;
    }
  }
  sorted[index] = entering;
}

/**
 * Median of `values` over a centred window of `2 · half + 1` entries (zeros past the ends), written to `output`.
 * `scratch` needs `2 · half + 1` entries.
 */
export function slidingMedian(
  values: Float32Array,
  half: number,
  output: Float32Array,
  scratch: Float32Array,
): void {
  const length = values.length;
  const width = 2 * half + 1;
  // Window for index 0 covers [-half, half].
  for (let index = 0; index < width; index++) {
    const source = index - half;
    scratch[index] = source >= 0 && source < length ? values[source]! : 0;
  }
  scratch.subarray(0, width).sort();
  output[0] = scratch[half]!;
  for (let index = 1; index < length; index++) {
    const leavingIndex = index - half - 1;
    const enteringIndex = index + half;
    const leaving = leavingIndex >= 0 ? values[leavingIndex]! : 0;
    const entering = enteringIndex < length ? values[enteringIndex]! : 0;
    if (leaving !== entering) replaceSorted(scratch, 0, width, leaving, entering);
    output[index] = scratch[half]!;
  }
}

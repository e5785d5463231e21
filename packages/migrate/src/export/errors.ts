import { StemkitError } from '@stemkit/core';

/**
 * One bad line of an input file: its 1-based number and what is wrong with it.
 *
 * @example
 * ```ts
 * const issue: LineIssue = { line: 12, message: 'truncated: the last line is cut short (no closing newline)' };
 * ```
 */
export interface LineIssue {
  /** 1-based line number in the file; 1 also when the file as a whole holds no entry. */
  readonly line: number;
  /** What is wrong with the line, in a few words (`not valid JSON`, `job … repeats line 3`). */
  readonly message: string;
}

/**
 * An input file (an export, a list of ids) that is malformed or truncated. It is rejected as a whole — nothing
 * is planned or applied from it — and `issues` names every bad line.
 *
 * @example
 * ```ts
 * try { parseLegacyExport(text) } catch (error) {
 *   if (InputFileError.isInstance(error)) for (const issue of error.issues) console.error(`line ${issue.line}: ${issue.message}`);
 * }
 * ```
 */
export class InputFileError extends StemkitError {
  override readonly code = 'input-file';
  /** The path of the file, or the name the parser was given (`export` or `ids` by default). */
  readonly file: string;
  /** Every bad line, in file order; the error message lists only the first 20. */
  readonly issues: readonly LineIssue[];

  constructor(file: string, issues: readonly LineIssue[]) {
    const shown = issues
      .slice(0, 20)
      .map((issue) => `  line ${issue.line}: ${issue.message}`)
      .join('\n');
    const more = issues.length > 20 ? `\n  … and ${issues.length - 20} more` : '';
    super(`${file} is rejected: ${issues.length} bad line(s); nothing was read from it\n${shown}${more}`);
    this.file = file;
    this.issues = issues;
  }
}

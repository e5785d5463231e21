import type { TargetRequest } from '../driver/contract.ts';
import { UnsupportedCapabilityError } from '../errors.ts';
import type { ClientContext } from './context.ts';

/** Throws when the driver lacks `capability`; called before any request so nothing is sent. */
export function requireCapability(
  context: ClientContext,
  capability: string,
  supported: boolean,
  detail = `does not support ${capability}`,
): void {
  if (supported) return;
  throw unsupported(context, capability, detail);
}

/** The error for a capability the driver lacks, its message naming the driver. */
export function unsupported(
  context: ClientContext,
  capability: string,
  detail: string,
): UnsupportedCapabilityError {
  const provider = context.driver.provider;
  return new UnsupportedCapabilityError(capability, `The ${provider} driver ${detail}`, { provider });
}

/** Checks every stem, format and option of a start request against the driver's declarations. */
export function checkStartRequest(
  context: ClientContext,
  request: {
    readonly targets: readonly TargetRequest[];
    readonly trial?: unknown;
    readonly callbackUrl?: string;
  },
): void {
  const declared = context.capabilities;
  const formats = new Set(declared.formats.map((format) => format.toLowerCase()));
  if (declared.maxTargets !== undefined) {
    requireCapability(
      context,
      'maxTargets',
      request.targets.length <= declared.maxTargets,
      `takes at most ${declared.maxTargets} targets per job, not ${request.targets.length}`,
    );
  }
  for (const target of request.targets) {
    if (target.stem === 'transcription') requireCapability(context, 'transcription', declared.transcription);
    if (target.stem === 'alignment') requireCapability(context, 'alignment', declared.alignment);
    if (declared.stems !== 'any') {
      const stem = `stem:${target.stem}`;
      const offered = `does not support ${stem}; its stems are ${declared.stems.join(', ')}`;
      requireCapability(context, stem, declared.stems.includes(target.stem), offered);
    }
    for (const format of target.formats)
      requireFormat(context, format, formats.has(format), convertHint(context, format));
    if (target.residual) requireCapability(context, 'residual', declared.residual);
    if (target.variant !== undefined) requireCapability(context, 'variant', declared.variants);
    if (target.language !== undefined) requireCapability(context, 'language', declared.languages);
  }
  if (request.trial !== undefined) requireCapability(context, 'trial', declared.trial);
  // A driver that calls one webhook per account gets the URL and ignores it with a warning, as a migrating app
  // expects (its job is the same without a per-job callback); a driver that never calls back refuses it.
  if (request.callbackUrl !== undefined) {
    requireCapability(context, 'callbacks', declared.callbacks !== false, 'does not call back');
  }
}

/** Throws for a format the driver does not deliver, naming those it does. */
export function requireFormat(context: ClientContext, format: string, supported: boolean, hint = ''): void {
  if (supported) return;
  throw unsupportedFormat(context, format, hint);
}

/** The error for a format the driver does not deliver, naming those it does. */
export function unsupportedFormat(
  context: ClientContext,
  format: string,
  hint = '',
): UnsupportedCapabilityError {
  const offered = context.capabilities.formats.join(', ');
  return unsupported(
    context,
    `format:${format}`,
    `does not support format:${format}; its formats are ${offered}${hint}`,
  );
}

/** How to get `format` anyway when a plugin converts to it: separate in another, download in this one. */
function convertHint(context: ClientContext, format: string): string {
  const converts = context.plugins.some(
    (plugin) => plugin.convert && (plugin.formats === undefined || plugin.formats.includes(format)),
  );
  return converts ? `; separate in wav and download with { format: '${format}' }: a plugin converts it` : '';
}

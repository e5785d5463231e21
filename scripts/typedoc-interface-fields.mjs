// @ts-check
import { Application, DeclarationReflection, ReflectionKind, ReflectionType } from 'typedoc';

/**
 * A typedoc plugin: every data field of an exported interface or class needs a comment. typedoc's own rule
 * (`requiredToBeDocumented: ["Property"]`) would also demand one on every field of an anonymous type, thousands
 * of them inferred from zod schemas; this asks it only of the fields the reference lists under a type's name.
 * Reported like typedoc's own gaps, so `treatWarningsAsErrors` fails `pnpm run docs` on them.
 *
 * @param {Application} app
 */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    if (!app.options.getValue('validation').notDocumented) return;
    const required = app.options.getValue('packagesRequiringDocumentation');
    for (const field of project.getReflectionsByKind(ReflectionKind.Property)) {
      const owner = field.parent;
      if (!owner?.kindOf(ReflectionKind.Interface | ReflectionKind.Class)) continue;
      if (field.hasComment() || !(field instanceof DeclarationReflection) || field.inheritedFrom) continue;
      // A function-typed field is checked by typedoc itself, through its call signatures.
      if (field.type instanceof ReflectionType && field.type.declaration.getNonIndexSignatures().length)
        continue;
      const symbol = project.getSymbolIdFromReflection(field);
      if (!symbol || !required.includes(symbol.packageName)) continue;
      app.logger.validationWarning(
        /** @type {import('typedoc').TranslatedString} */ (
          `${field.getFriendlyFullName()} (Property), a field of ${ReflectionKind[owner.kind]} ${owner.name}` +
            ` in ${symbol.packageName}/${symbol.packagePath}, does not have any documentation`
        ),
      );
    }
  });
}

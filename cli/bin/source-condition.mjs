// Node module hook: resolve workspace packages to their TypeScript sources (their "@synthcall/source" export).
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@synthcall/source')
    ? context.conditions
    : [...context.conditions, '@synthcall/source'];
  return nextResolve(specifier, { ...context, conditions });
}

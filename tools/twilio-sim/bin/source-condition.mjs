// Node module hook: resolve workspace packages to their TypeScript sources (their "@synthcall/source" export).
// Registered by the twilio-sim and synthcall bins when they run from a source checkout (exported as
// @synthcall/twilio-sim/source-condition for the CLI, which depends on twilio-sim).
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@synthcall/source')
    ? context.conditions
    : [...context.conditions, '@synthcall/source'];
  return nextResolve(specifier, { ...context, conditions });
}

// What tests of other packages need of the engine: the scripted provider, to wrap (a deliberately slow one).
export { ScriptedLlmProvider } from '../adapters/scripted-llm-provider.js';

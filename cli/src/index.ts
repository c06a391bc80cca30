export { buildProgram, main } from './cli.js';
export { type GenerateOptions, type GenerateSummary, generate, type InspectContext } from './embedded.js';
export { type RequestOptions, requestCalls } from './request.js';
export { startUp, type Up, type UpOptions } from './up.js';

// Starts a worker thread's TypeScript module in a source checkout (tests, tsx): tsx and the workspace's
// `@synthcall/source` export condition are registered in this thread first, as the bins do in the main thread.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';

const tsx = await import('tsx/esm/api');
tsx.register();
register(new URL('./source-condition.mjs', import.meta.url));
await import(workerData.entry);

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../tools/model/model.sh', import.meta.url));

export interface TestModel {
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:41234/v1. */
  url: string;
  model: string;
  /** Where it came from: SYNTHCALL_MODEL_URL, or a llama-server this fixture started. */
  source: string;
  stop(): Promise<void>;
}

/**
 * A real language model behind an OpenAI-compatible API for integration tests: the server at SYNTHCALL_MODEL_URL
 * when set, else llama-server with tools/model/model.sh's default model (Qwen2.5-Coder-1.5B-Instruct) on a free
 * 127.0.0.1 port.
 * It is never built here (a cold build takes tens of minutes): `.ci/run` and `npm run model:up` build it into the
 * cache first; without it the test fails with that instruction, it never skips.
 */
export async function startTestModel(env: NodeJS.ProcessEnv = process.env): Promise<TestModel> {
  const model = env.SYNTHCALL_MODEL_NAME ?? 'qwen2.5-coder-1.5b-instruct';
  if (env.SYNTHCALL_MODEL_URL)
    return { url: env.SYNTHCALL_MODEL_URL, model, source: 'SYNTHCALL_MODEL_URL', stop: async () => {} };
  const port = String(await freePort());
  // The CI model is the default one whatever SYNTHCALL_MODEL the shell chose for `model:up`.
  const scriptEnv = {
    ...env,
    SYNTHCALL_MODEL: 'qwen2.5-coder-1.5b',
    SYNTHCALL_MODEL_PORT: port,
    SYNTHCALL_MODEL_NO_BUILD: '1',
  };
  try {
    await run('bash', [SCRIPT, 'up'], { env: scriptEnv, timeout: 120_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(
      `could not start the local model (tools/model/model.sh up): ${stderr.trim() || String(err)}`,
    );
  }
  return {
    url: `http://127.0.0.1:${port}/v1`,
    model,
    source: `llama-server on 127.0.0.1:${port}`,
    stop: async () => {
      await run('bash', [SCRIPT, 'down'], { env: scriptEnv, timeout: 30_000 });
    },
  };
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';

// `generate --provider openai` with no OPENAI_BASE_URL / OPENAI_API_KEY means the server of `npm run model:up` on
// SYNTHCALL_MODEL_PORT. Here a plain HTTP server stands at that port: it names the model it serves and refuses every
// completion (400, which the SDK does not retry), so each line is worded by the director's template. What is under
// test is the CLI's choice of model name and concurrency, not a model (generate-openai.int.test.ts runs a real one).

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  while (cleanups.length) await cleanups.pop()?.();
});

async function localServer(
  modelId: string,
): Promise<{ port: number; completions: () => number; temperatures: Set<number> }> {
  let completions = 0;
  const temperatures = new Set<number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (chunks.length > 0) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { temperature?: number };
        if (typeof body.temperature === 'number') temperatures.add(body.temperature);
      }
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.end(JSON.stringify({ object: 'list', data: [{ id: modelId, object: 'model' }] }));
        return;
      }
      if (req.url === '/v1/chat/completions') completions++;
      res.statusCode = 400;
      res.end(
        JSON.stringify({ error: { message: 'refused by the test server', type: 'invalid_request_error' } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, completions: () => completions, temperatures };
}

async function run(args: string[], port: number, baseUrl?: string) {
  const out = await mkdtemp(join(tmpdir(), 'synthcall-local-model-'));
  cleanups.push(() => rm(out, { recursive: true, force: true }));
  vi.stubEnv('OPENAI_BASE_URL', baseUrl);
  vi.stubEnv('OPENAI_API_KEY', undefined);
  vi.stubEnv('OPENAI_MODEL', undefined);
  vi.stubEnv('LLM_PROVIDER', undefined);
  vi.stubEnv('SYNTHCALL_MODEL_PORT', String(port));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const code = await main([
      'node',
      'synthcall',
      'generate',
      '--provider',
      'openai',
      '--calls',
      '2',
      '--max-turns',
      '6',
      '--out',
      out,
      ...args,
    ]);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      config: { concurrency: number; provider: string; model: string };
    };
    return {
      code,
      manifest,
      stderr: stderr.mock.calls.map((c) => String(c[0])).join(''),
      stdout: stdout.mock.calls.map((c) => String(c[0])).join(''),
    };
  } finally {
    stderr.mockRestore();
    stdout.mockRestore();
    log.mockRestore();
  }
}

// Each test runs a 2-call generate in-process: about a second on a quiet machine, over 5 s on a busy one.
describe('synthcall generate --provider openai on the local model server', { timeout: 60_000 }, () => {
  it('names the model the server says it serves and runs 2 calls at a time, its slots’ worth', async () => {
    const server = await localServer('some-local-model');
    const { code, manifest, stderr, stdout } = await run([], server.port);
    expect(code).toBe(0);
    // The summary says why each line was the director's: the two greetings, and the rest refused by the server.
    const why = /template why (.*)/.exec(stdout)?.[1] ?? '';
    expect(why).toContain('greeting 2');
    expect(why).toMatch(/SYNTH_LLM_REQUEST_REJECTED \d+/);
    expect(stderr).toContain(`the local model server at http://127.0.0.1:${server.port}/v1`);
    expect(manifest.config).toMatchObject({ provider: 'openai', model: 'some-local-model', concurrency: 2 });
    expect(server.completions()).toBeGreaterThan(0);
    expect([...server.temperatures]).toEqual([0.8]);
  });

  it('asks SmolLM2 at the temperature measured for it', async () => {
    const server = await localServer('smollm2-135m-instruct');
    const { code, manifest } = await run([], server.port);
    expect(code).toBe(0);
    expect(manifest.config.model).toBe('smollm2-135m-instruct');
    expect([...server.temperatures]).toEqual([0.3]);
  });

  it('uses the same settings when the shell exported the local server’s OPENAI_BASE_URL (model.sh env prints it)', async () => {
    const server = await localServer('qwen2.5-coder-1.5b-instruct');
    const { code, manifest } = await run([], server.port, `http://127.0.0.1:${server.port}/v1/`);
    expect(code).toBe(0);
    expect(manifest.config).toMatchObject({ model: 'qwen2.5-coder-1.5b-instruct', concurrency: 2 });
    expect([...server.temperatures]).toEqual([0.8]);
  });

  it('keeps a concurrency given on the command line', async () => {
    const server = await localServer('some-local-model');
    const { code, manifest } = await run(['--concurrency', '3'], server.port);
    expect(code).toBe(0);
    expect(manifest.config.concurrency).toBe(3);
  });
});

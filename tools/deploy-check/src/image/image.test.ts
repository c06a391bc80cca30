import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_ENV, startService } from '../testing/services.js';
import { assembleRuntime, buildClosure, runtimeClosure, SERVICES, workspacePackages } from './assemble.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

describe('the Dockerfile', () => {
  it('runs the assembled /out as the runtime stage, as the node user, with node dist/main.js as PID 1', async () => {
    const dockerfile = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const runtime = stages.find((stage) => /^\S+ AS runtime$/m.test(stage));
    const build = stages.find((stage) => /^\S+ AS build$/m.test(stage));
    // The build stage builds and assembles every image once (its layers are shared by the six builds)…
    expect(build).toMatch(/tools\/deploy-check\/src\/cli\.ts build all$/m);
    expect(build).toMatch(/tools\/deploy-check\/src\/cli\.ts assemble all \/out$/m);
    expect(build).not.toMatch(/ARG SERVICE|\$\{SERVICE\}/);
    // …and each runtime stage copies its own file set only.
    const copies = (runtime ?? '').split('\n').filter((line) => line.startsWith('COPY'));
    expect(copies).toEqual([`COPY --from=build /out/\${SERVICE}/ /app/`]);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    const instructions = dockerfile.split('\n').filter((line) => !line.startsWith('#'));
    expect(instructions.join('\n')).not.toMatch(/HEALTHCHECK|tini|--init/);
  });
});

describe('the image file set of each service', () => {
  let root = '';
  const timings: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    // The same build the Dockerfile runs: tsc over each service's runtime closure, dependencies first.
    await buildClosure(repoRoot, ...SERVICES);
    timings.push(`build ${Date.now() - started} ms`);
    root = await mkdtemp(join(tmpdir(), 'synthcall-image-'));
  }, 300_000);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    process.stdout.write(`[image smoke] ${timings.join(', ')}\n`);
  });

  it('takes runtime dependencies only into the closure: the gateway has schemas but not twilio-sim', async () => {
    const closure = runtimeClosure(await workspacePackages(repoRoot), 'twiml-gateway').map((p) => p.name);
    expect(closure).toContain('@synthcall/schemas');
    expect(closure).not.toContain('@synthcall/twilio-sim');
  });

  for (const service of SERVICES) {
    it(`starts ${service} from its production-only file set and answers /readyz with 200, exits 0 on SIGTERM and parses every Avro schema`, async () => {
      const started = Date.now();
      const out = join(root, service);
      await assembleRuntime({ repoRoot, service, outDir: out, npmMode: 'prefer-offline' });
      timings.push(`${service} assemble ${Date.now() - started} ms`);
      // Dev tools of the root and of the workspace packages (twilio-sim is the gateway's) stay out of the image.
      for (const dev of [
        '@synthcall/twilio-sim',
        '@synthcall/testing',
        'vitest',
        'typescript',
        'tsx',
        'turbo',
      ]) {
        await expect(stat(join(out, 'node_modules', dev)), dev).rejects.toThrow();
      }
      const env = {
        ...SERVICE_ENV[service],
        ...(service === 'analytics-sink' ? { DATASET_DIR: join(root, 'dataset') } : {}),
      };
      const svc = await startService(join(out, 'services', service), ['dist/main.js'], service, env);
      try {
        const res = await fetch(`http://127.0.0.1:${svc.opsPort}/readyz`);
        expect(res.status).toBe(200);
        const metrics = await (await fetch(`http://127.0.0.1:${svc.opsPort}/metrics`)).text();
        expect(metrics).toMatch(/^synthcall_/m);
      } finally {
        svc.child.kill('SIGTERM');
      }
      expect(await svc.exited).toBe(0);
      // Codecs read the .avsc files on first use, after /readyz: parse every schema from the image's own file set.
      const script =
        "const m = await import('@synthcall/schemas'); for (const n of m.EVENT_SCHEMA_NAMES) m.parseSchema(m.rawSchema(n)); console.log(m.EVENT_SCHEMA_NAMES.length);";
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: join(out, 'services', service),
      });
      expect(Number(stdout.trim())).toBeGreaterThan(5);
    }, 120_000);
  }
});

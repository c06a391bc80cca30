import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containerSocket, IMAGES, useContainerEngine } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cacheWithSocket(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synthcall-containers-test-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'engine'));
  // A plain file stands in for the socket: only its presence is looked at.
  writeFileSync(join(dir, 'engine/docker.sock'), '');
  return dir;
}

describe('containerSocket', () => {
  it('takes DOCKER_HOST first', () => {
    expect(
      containerSocket({ DOCKER_HOST: 'tcp://10.0.0.1:2375', SYNTHCALL_CONTAINERS_CACHE: cacheWithSocket() }),
    ).toBe('tcp://10.0.0.1:2375');
  });

  it('finds the engine tools/containers/containers.sh started, in its cache', () => {
    const cache = cacheWithSocket();
    expect(containerSocket({ SYNTHCALL_CONTAINERS_CACHE: cache })).toBe(`unix://${cache}/engine/docker.sock`);
  });
});

describe('useContainerEngine', () => {
  it('sets DOCKER_HOST and the testcontainers settings an offline engine needs, keeping values already set', () => {
    const cache = cacheWithSocket();
    const env: NodeJS.ProcessEnv = {
      SYNTHCALL_CONTAINERS_CACHE: cache,
      TESTCONTAINERS_RYUK_DISABLED: 'false',
    };
    expect(useContainerEngine(env)).toBe(`unix://${cache}/engine/docker.sock`);
    expect(env).toMatchObject({
      DOCKER_HOST: `unix://${cache}/engine/docker.sock`,
      TESTCONTAINERS_RYUK_DISABLED: 'false',
      TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
    });
  });
});

describe('IMAGES', () => {
  it('names the images containers.sh tags, at the versions tools/stack runs', async () => {
    const { readFile } = await import('node:fs/promises');
    const script = await readFile(new URL('../containers.sh', import.meta.url), 'utf8');
    const { KAFKA_VERSION, APICURIO_VERSION } = await import('@synthcall/stack');
    expect(script).toContain(`KAFKA_VERSION=${KAFKA_VERSION}\n`);
    expect(script).toContain(`APICURIO_VERSION=${APICURIO_VERSION}\n`);
    expect(IMAGES.kafka).toBe(`synthcall/kafka:${KAFKA_VERSION}`);
    expect(IMAGES.service('orchestrator')).toBe('synthcall/orchestrator:latest');
  });
});

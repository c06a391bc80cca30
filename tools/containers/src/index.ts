import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  APICURIO_VERSION,
  CCOMPAT_PATH,
  freePort,
  KAFKA_VERSION,
  kafkaAnswers,
  type ProvisionResult,
  provision,
  registryAnswers,
} from '@synthcall/stack';
import type { StartedTestContainer } from 'testcontainers';

/** The images tools/containers/containers.sh builds; the tests start them and never pull. */
export const IMAGES = {
  kafka: `synthcall/kafka:${KAFKA_VERSION}`,
  registry: `synthcall/apicurio-registry:${APICURIO_VERSION}`,
  twilioSim: 'synthcall/twilio-sim:latest',
  service: (name: string) => `synthcall/${name}:latest`,
};

const BUILD_HINT =
  'build it with `tools/containers/containers.sh images` (after `tools/containers/containers.sh up`)';

/**
 * The socket of a container engine: DOCKER_HOST, else the one `tools/containers/containers.sh up` starts, else
 * Docker's default. Undefined when none exists, so callers take another path without asking an engine.
 */
export function containerSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DOCKER_HOST) return env.DOCKER_HOST;
  const cache = env.SYNTHCALL_CONTAINERS_CACHE ?? join(homedir(), '.cache/synthcall/containers');
  for (const socket of [join(cache, 'engine/docker.sock'), '/var/run/docker.sock']) {
    if (existsSync(socket)) return `unix://${socket}`;
  }
  return undefined;
}

/**
 * Points testcontainers at the engine and sets what it needs here: no Ryuk (its image cannot be pulled offline; the
 * callers stop what they start) and 127.0.0.1 as the host the containers are reached on. Values already set win.
 * Call before the first testcontainers call.
 */
export function useContainerEngine(env: NodeJS.ProcessEnv = process.env): string {
  const socket = containerSocket(env);
  if (!socket)
    throw new Error('no container engine socket (DOCKER_HOST, tools/containers, /var/run/docker.sock)');
  env.DOCKER_HOST = socket;
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  return socket;
}

/** Fails with the build command when a local image is missing, instead of a pull that cannot succeed offline. */
export async function requireImages(images: string[]): Promise<void> {
  const { getContainerRuntimeClient, ImageName } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const missing: string[] = [];
  for (const image of images) {
    if (!(await client.image.exists(ImageName.fromString(image)))) missing.push(image);
  }
  if (missing.length > 0) throw new Error(`image ${missing.join(', ')} not in the engine: ${BUILD_HINT}`);
}

export interface ContainerStack {
  brokers: string;
  registryUrl: string;
  provisioned: ProvisionResult;
  containers: StartedTestContainer[];
  stop(): Promise<void>;
}

/**
 * Kafka (KRaft, one node) and Apicurio Registry from the local images, then the manifest's topics and schemas, as
 * the local stack provides them. The containers share the host's network and listen on 127.0.0.1 at free ports:
 * nothing is published, and the broker advertises the address its clients use.
 */
export async function startContainerStack(
  log: (line: string) => void = () => undefined,
): Promise<ContainerStack> {
  useContainerEngine();
  await requireImages([IMAGES.kafka, IMAGES.registry]);
  const { GenericContainer, Wait } = await import('testcontainers');
  const [kafkaPort, controllerPort, registryPort, managementPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const started: StartedTestContainer[] = [];
  // Start-up waits are generous: two JVMs start at once, and a shared 2-core machine can take minutes for that.
  const stop = async () => {
    await Promise.all(started.splice(0).map((c) => c.stop({ timeout: 15_000 })));
  };
  try {
    log(`starting ${IMAGES.kafka} and ${IMAGES.registry} containers…`);
    const results = await Promise.allSettled([
      new GenericContainer(IMAGES.kafka)
        .withNetworkMode('host')
        .withEnvironment({
          KAFKA_HOST: '127.0.0.1',
          KAFKA_PORT: String(kafkaPort),
          KAFKA_CONTROLLER_PORT: String(controllerPort),
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .withStartupTimeout(300_000)
        .start(),
      new GenericContainer(IMAGES.registry)
        .withNetworkMode('host')
        .withEnvironment({
          REGISTRY_HOST: '127.0.0.1',
          REGISTRY_PORT: String(registryPort),
          REGISTRY_MANAGEMENT_PORT: String(managementPort),
        })
        .withWaitStrategy(Wait.forLogMessage(/Listening on:/))
        .withStartupTimeout(300_000)
        .start(),
    ]);
    // Both start at once; whichever did start is stopped below when the other failed.
    for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    const brokers = `127.0.0.1:${kafkaPort}`;
    const registryUrl = `http://127.0.0.1:${registryPort}${CCOMPAT_PATH}`;
    // The log lines say the servers started; a real client request says they answer (the registry's first answer
    // can take a while after its "Listening" line).
    await answersWithin(`the Kafka container on ${brokers}`, () => kafkaAnswers(brokers), 120_000);
    await answersWithin(
      `the registry container on ${registryUrl}`,
      () => registryAnswers(registryUrl),
      120_000,
    );
    const provisioned = await provision({ brokers, registryUrl });
    return { brokers, registryUrl, provisioned, containers: started, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function answersWithin(what: string, probe: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`${what} does not answer after ${ms / 1000} s (${String((last as Error)?.message)})`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

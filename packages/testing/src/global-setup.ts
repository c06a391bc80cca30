import type { TestProject } from 'vitest/node';
// The ProvidedContext keys are declared next to integrationEnv(), which reads them.
import type {} from './index.js';

type Teardown = () => Promise<void>;
const log = (line: string) => console.log(`[integration] ${line}`);

/**
 * Provides a real Kafka broker and Confluent-compatible schema registry to the integration tests, in this order:
 * 1. KAFKA_BROKERS + SCHEMA_REGISTRY_URL from the environment (nothing started);
 * 2. testcontainers, when a container engine's socket is there (DOCKER_HOST, the engine of
 *    `tools/containers/containers.sh up`, or Docker's default): Kafka and Apicurio from the images that script builds;
 * 3. the local stack (tools/stack: Kafka and Apicurio from Maven Central) in a temporary directory on free ports,
 *    stopped afterwards.
 * If none works the run fails with the reason: integration tests are never skipped silently.
 */
export default async function setup(project: TestProject): Promise<Teardown | undefined> {
  const env = process.env;
  if (env.KAFKA_BROKERS && env.SCHEMA_REGISTRY_URL) {
    log(`using KAFKA_BROKERS=${env.KAFKA_BROKERS} SCHEMA_REGISTRY_URL=${env.SCHEMA_REGISTRY_URL}`);
    provide(project, env.KAFKA_BROKERS, env.SCHEMA_REGISTRY_URL, 'env');
    return undefined;
  }
  if (env.KAFKA_BROKERS || env.SCHEMA_REGISTRY_URL) {
    throw new Error(
      'set both KAFKA_BROKERS and SCHEMA_REGISTRY_URL, or neither (then a broker is started for the tests)',
    );
  }

  const failures: string[] = [];
  const { containerSocket } = await import('@synthcall/containers');
  if (containerSocket(env)) {
    try {
      return await startWithTestcontainers(project);
    } catch (err) {
      // CI sets it: there the engine is part of the run, and a fallback would hide that its path broke.
      if (env.SYNTHCALL_REQUIRE_CONTAINERS === '1') throw err;
      failures.push(`testcontainers: ${(err as Error).message}`);
      log(`testcontainers unavailable (${(err as Error).message}); falling back to the local stack`);
    }
  }

  try {
    const { startThrowawayStack } = await import('@synthcall/stack');
    const started = Date.now();
    log(
      'starting the local stack in a temporary directory (Kafka + Apicurio from Maven; first run downloads them)…',
    );
    const stack = await startThrowawayStack({
      prefix: 'synthcall-it-stack-',
      javaHome: env.JAVA_HOME,
      registryJavaHome: env.SYNTHCALL_REGISTRY_JAVA_HOME,
      log,
    });
    log(
      `local stack up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${stack.brokers}, ${stack.registryUrl}`,
    );
    provide(project, stack.brokers, stack.registryUrl, 'local-stack');
    return () => stack.stop();
  } catch (err) {
    failures.push(`local stack: ${(err as Error).message}`);
  }
  throw new Error(
    `integration tests need a Kafka broker and a schema registry, and none could be provided:\n- ${failures.join('\n- ')}\n` +
      'Fix one of: set KAFKA_BROKERS and SCHEMA_REGISTRY_URL; start an engine and build the images (tools/containers/containers.sh all); or install Java 17+ (Kafka), Java 21+ (Apicurio) and Maven for the local stack.',
  );
}

function provide(project: TestProject, brokers: string, registryUrl: string, source: string): void {
  project.provide('kafkaBrokers', brokers);
  project.provide('schemaRegistryUrl', registryUrl);
  project.provide('kafkaSource', source);
}

async function startWithTestcontainers(project: TestProject): Promise<Teardown> {
  const { startContainerStack } = await import('@synthcall/containers');
  const started = Date.now();
  const stack = await startContainerStack(log);
  log(
    `containers up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${stack.brokers}, ${stack.registryUrl}`,
  );
  provide(project, stack.brokers, stack.registryUrl, 'testcontainers');
  return () => stack.stop();
}

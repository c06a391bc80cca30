import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
// The ProvidedContext keys are declared next to integrationEnv(), which reads them.
import type {} from './index.js';

type Teardown = () => Promise<void>;
const log = (line: string) => console.log(`[integration] ${line}`);

/**
 * Provides a real Kafka broker and Confluent-compatible schema registry to the integration tests, in this order:
 * 1. KAFKA_BROKERS + SCHEMA_REGISTRY_URL from the environment (nothing started);
 * 2. testcontainers, when a container runtime answers (developer laptops with Docker);
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
  if (containerRuntimeLikely(env)) {
    try {
      return await startWithTestcontainers(project);
    } catch (err) {
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
      'Fix one of: set KAFKA_BROKERS and SCHEMA_REGISTRY_URL; start Docker; or install Java 17+ (Kafka), Java 21+ (Apicurio) and Maven for the local stack.',
  );
}

function provide(project: TestProject, brokers: string, registryUrl: string, source: string): void {
  project.provide('kafkaBrokers', brokers);
  project.provide('schemaRegistryUrl', registryUrl);
  project.provide('kafkaSource', source);
}

function containerRuntimeLikely(env: NodeJS.ProcessEnv): boolean {
  return (
    Boolean(env.DOCKER_HOST) ||
    existsSync('/var/run/docker.sock') ||
    existsSync(`${env.HOME}/.docker/run/docker.sock`)
  );
}

async function startWithTestcontainers(project: TestProject): Promise<Teardown> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { GenericContainer, Wait } = await import('testcontainers');
  log('starting Kafka (cp-kafka 8.0.0, KRaft) and Apicurio Registry 3.3.3 containers…');
  const kafka = await new KafkaContainer('confluentinc/cp-kafka:8.0.0').start();
  const registry = await new GenericContainer('apicurio/apicurio-registry:3.3.3')
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
    .start()
    .catch(async (err: unknown) => {
      await kafka.stop();
      throw err;
    });
  const brokers = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
  const registryUrl = `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`;
  provide(project, brokers, registryUrl, 'testcontainers');
  return async () => {
    await Promise.all([registry.stop(), kafka.stop()]);
  };
}

#!/usr/bin/env node
import { StackError } from './errors.js';
import { provision } from './provision.js';
import { DEFAULT_PORTS, DEFAULT_STACK_DIR, readState, startLocalStack, stopLocalStack } from './stack.js';
import { APICURIO_VERSION, KAFKA_VERSION } from './versions.js';

const HELP = `Usage: stack <command>

The local Kafka ${KAFKA_VERSION} broker and Apicurio Registry ${APICURIO_VERSION}, fetched from Maven Central (no Docker).

Commands:
  up       fetch (first run only), start both on 127.0.0.1, create the topics, register the schemas, print addresses
           (running it again while up only re-creates missing topics and re-registers schemas)
  down     stop exactly the processes 'up' started (by pid) and remove their data (${DEFAULT_STACK_DIR})
  status   print whether the stack runs, and its addresses
  env      print export lines for KAFKA_BROKERS and SCHEMA_REGISTRY_URL
  provision  create the topics (existing ones are left alone) and register the schemas on the Kafka of KAFKA_BROKERS
           and the registry of SCHEMA_REGISTRY_URL (a running cluster: the provision-topics Job of deploy/k8s)

Ports: Kafka ${DEFAULT_PORTS.kafka} (controller ${DEFAULT_PORTS.controller}), registry ${DEFAULT_PORTS.registry} (management ${DEFAULT_PORTS.registryManagement}).
Needs: Java 17+ for Kafka, Java 21+ for Apicurio (set SYNTHCALL_REGISTRY_JAVA_HOME, or it is looked up under
/usr/lib/jvm), and Maven (mvn) on PATH.`;

const env = process.env;
const log = (line: string) => console.error(`[stack] ${line}`);

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'up': {
      const up = await startLocalStack({
        log,
        javaHome: env.JAVA_HOME,
        registryJavaHome: env.SYNTHCALL_REGISTRY_JAVA_HOME,
      });
      const t = up.timings;
      log(
        up.alreadyRunning
          ? `already running; provisioned in ${t.provisionMs} ms`
          : `up in ${(t.totalMs / 1000).toFixed(1)} s (fetch ${(t.fetchMs / 1000).toFixed(1)} s${up.fetched ? ', cold' : ', cached'}, kafka ${(t.kafkaMs / 1000).toFixed(1)} s, registry ${(t.registryMs / 1000).toFixed(1)} s, topics+schemas ${(t.provisionMs / 1000).toFixed(1)} s)`,
      );
      log(
        `topics created: ${up.provisioned.created.join(', ') || 'none'}; existing: ${up.provisioned.existing.length}`,
      );
      console.log(`KAFKA_BROKERS=${up.brokers}`);
      console.log(`SCHEMA_REGISTRY_URL=${up.registryUrl}`);
      return 0;
    }
    case 'down':
      await stopLocalStack({ log });
      return 0;
    case 'status':
    case 'env': {
      const state = readState();
      if (!state) {
        console.error('the local stack is not running (npm run stack:up starts it)');
        return 1;
      }
      const prefix = command === 'env' ? 'export ' : '';
      console.log(`${prefix}KAFKA_BROKERS=${state.brokers}`);
      console.log(`${prefix}SCHEMA_REGISTRY_URL=${state.registryUrl}`);
      if (command === 'status')
        console.log(`pids: kafka ${state.kafkaPid}, registry ${state.registryPid}; since ${state.startedAt}`);
      return 0;
    }
    case 'provision': {
      const brokers = env.KAFKA_BROKERS;
      const registryUrl = env.SCHEMA_REGISTRY_URL;
      if (!brokers || !registryUrl) {
        console.error(
          'provision needs KAFKA_BROKERS and SCHEMA_REGISTRY_URL (the Kafka and registry to provision)',
        );
        return 2;
      }
      const done = await provision({ brokers, registryUrl });
      log(`topics created: ${done.created.join(', ') || 'none'}; existing: ${done.existing.length}`);
      log(`schemas registered: ${done.subjects.length}`);
      return 0;
    }
    default:
      console.error(`unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof StackError ? `[stack] ${err.code}: ${err.message}` : err);
    process.exitCode = 1;
  },
);

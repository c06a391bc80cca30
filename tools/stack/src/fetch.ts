import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { StackError } from './errors.js';
import { APICURIO_VERSION, KAFKA_VERSION, LOG4J_VERSION } from './versions.js';

const run = promisify(execFile);
const POM = fileURLToPath(new URL('../maven/pom.xml', import.meta.url));
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../maven/target/', import.meta.url));

export interface Artifacts {
  kafkaLibs: string;
  apicurioDir: string;
  /** True when Maven had to run (a cold cache in this checkout). */
  fetched: boolean;
}

async function mvn(args: string[], what: string): Promise<void> {
  try {
    await run('mvn', ['-q', '-B', '-f', POM, ...args], { maxBuffer: 32 * 1024 * 1024 });
  } catch (cause) {
    const err = cause as { code?: string; stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') {
      throw new StackError(
        'SYNTH_STACK_MAVEN_MISSING',
        'Maven (mvn) is not on PATH; the local stack fetches Kafka and Apicurio from Maven Central with it. Install it: `apt-get install maven`.',
        { cause },
      );
    }
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new StackError('SYNTH_STACK_FETCH_FAILED', `fetching ${what} with Maven failed:\n${output}`, {
      cause,
    });
  }
}

/**
 * Resolves the Kafka broker's runtime classpath and the Apicurio Registry distribution from Maven Central into
 * `cacheDir` (Maven's own ~/.m2 cache makes a second checkout fast). Idempotent: present artifacts are reused.
 */
export async function fetchArtifacts(cacheDir = DEFAULT_CACHE_DIR): Promise<Artifacts> {
  const versions = [`-Dkafka.version=${KAFKA_VERSION}`, `-Dlog4j.version=${LOG4J_VERSION}`];
  const kafkaLibs = join(cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');
  const apicurioDir = join(cacheDir, `apicurio-registry-${APICURIO_VERSION}`);
  let fetched = false;

  if (!hasJars(kafkaLibs)) {
    fetched = true;
    const tmp = `${kafkaLibs}.partial`;
    rmSync(tmp, { recursive: true, force: true });
    await mvn(
      [...versions, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`],
      `Kafka ${KAFKA_VERSION}`,
    );
    rmSync(kafkaLibs, { recursive: true, force: true });
    renameSync(tmp, kafkaLibs);
  }

  if (!existsSync(join(apicurioDir, 'quarkus-run.jar'))) {
    fetched = true;
    const tmp = `${apicurioDir}.partial`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await mvn(
      [
        ...versions,
        'dependency:unpack',
        `-Dartifact=io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`,
        `-DoutputDirectory=${tmp}`,
      ],
      `Apicurio Registry ${APICURIO_VERSION}`,
    );
    rmSync(apicurioDir, { recursive: true, force: true });
    renameSync(tmp, apicurioDir);
  }
  return { kafkaLibs, apicurioDir, fetched };
}

function hasJars(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('kafka_2.13-') && f.endsWith('.jar'));
}

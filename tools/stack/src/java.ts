import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from './errors.js';

export interface JavaInstall {
  bin: string;
  major: number;
}

function majorOf(bin: string): number | undefined {
  // `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`.
  const res = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (res.error) return undefined;
  return parseJavaMajor(`${res.stderr}${res.stdout}`);
}

export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 ? Number(m[2]) : first;
}

/**
 * Finds a Java of at least `minMajor`: the explicit home first, then JAVA_HOME, then `java` on PATH, then every JDK
 * under /usr/lib/jvm (newest first). Kafka 4.x runs on 17; Apicurio Registry 3.3 is compiled for 21.
 */
export function findJava(minMajor: number, preferredHomes: Array<string | undefined>): JavaInstall {
  const candidates: string[] = [];
  for (const home of preferredHomes) if (home) candidates.push(join(home, 'bin', 'java'));
  candidates.push('java');
  if (existsSync('/usr/lib/jvm')) {
    for (const dir of readdirSync('/usr/lib/jvm').sort().reverse())
      candidates.push(join('/usr/lib/jvm', dir, 'bin', 'java'));
  }
  const seen: string[] = [];
  for (const bin of candidates) {
    if (bin !== 'java' && !existsSync(bin)) continue;
    const major = majorOf(bin);
    if (major === undefined) continue;
    seen.push(`${bin} (${major})`);
    if (major >= minMajor) return { bin, major };
  }
  throw new StackError(
    'SYNTH_STACK_JAVA_MISSING',
    `no Java ${minMajor}+ found (looked at: ${seen.join(', ') || 'nothing: java is not on PATH'}). ` +
      `Install a JDK ${minMajor} or newer (e.g. \`apt-get install openjdk-17-jre-headless\` for Kafka, a Temurin ${minMajor} for Apicurio) and set JAVA_HOME or SYNTHCALL_REGISTRY_JAVA_HOME.`,
  );
}

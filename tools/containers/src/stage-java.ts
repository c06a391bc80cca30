// Fills the build context of the Kafka and Apicurio images (tools/containers/containers.sh base): the artifacts
// tools/stack fetches from Maven Central, the broker's server.properties and the registry's JVM flags, each from the
// one place the local stack takes them from.
import { cpSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { apicurioJvmFlags, fetchArtifacts, serverProperties } from '@synthcall/stack';

const ctx = process.argv[2];
if (!ctx) {
  console.error('usage: stage-java.ts <build context folder>');
  process.exit(2);
}
const artifacts = await fetchArtifacts();
const kafkaDir = join(ctx, basename(join(artifacts.kafkaLibs, '..')));
const apicurioDir = join(ctx, basename(artifacts.apicurioDir));
for (const [from, to] of [
  [artifacts.kafkaLibs, join(kafkaDir, 'libs')],
  [artifacts.apicurioDir, apicurioDir],
] as const) {
  if (existsSync(to)) continue;
  rmSync(`${to}.partial`, { recursive: true, force: true });
  cpSync(from, `${to}.partial`, { recursive: true });
  renameSync(`${to}.partial`, to);
}
// The entrypoint appends the addresses; these defaults are overridden there.
writeFileSync(
  join(ctx, 'server.properties'),
  serverProperties({ port: 9092, controllerPort: 9093, dataDir: '/var/lib/kafka/data' }),
);
writeFileSync(join(ctx, 'apicurio-flags.txt'), `${apicurioJvmFlags().join(' ')}\n`);
console.log(`[containers] staged Kafka and Apicurio artifacts in ${ctx}`);

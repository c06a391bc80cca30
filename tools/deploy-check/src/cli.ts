import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_FILE, renderDashboard } from './generate/dashboard.js';
import { KAFKA_TOPICS_FILE, renderKafkaTopics } from './generate/kafka-topics.js';
import { assembleRuntime, type ImageName, SERVICES, TOOL_IMAGES } from './image/assemble.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const IMAGES: readonly ImageName[] = [...SERVICES, ...TOOL_IMAGES];

function isImage(name: string | undefined): name is ImageName {
  return IMAGES.some((s) => s === name);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'assemble') {
  const [service, out] = args;
  if (!isImage(service) || !out) {
    process.stderr.write(`usage: assemble <${IMAGES.join('|')}> <out-dir>\n`);
    process.exit(2);
  }
  const { files } = await assembleRuntime({ repoRoot, service, outDir: resolve(out) });
  process.stdout.write(`assembled ${service}: ${files.length} paths + production node_modules in ${out}\n`);
} else if (command === 'generate') {
  await writeFile(join(repoRoot, KAFKA_TOPICS_FILE), renderKafkaTopics());
  await writeFile(join(repoRoot, DASHBOARD_FILE), renderDashboard());
  process.stdout.write(`wrote ${KAFKA_TOPICS_FILE} and ${DASHBOARD_FILE}\n`);
} else {
  process.stderr.write('usage: cli.ts assemble <service> <out-dir> | generate\n');
  process.exit(2);
}

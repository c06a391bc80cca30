import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DASHBOARD_FILE, renderDashboard } from './generate/dashboard.js';
import { KAFKA_TOPICS_FILE, renderKafkaTopics } from './generate/kafka-topics.js';
import { assembleRuntime, buildClosure, type ImageName, SERVICES, TOOL_IMAGES } from './image/assemble.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const IMAGES: readonly ImageName[] = [...SERVICES, ...TOOL_IMAGES];

function isImage(name: string | undefined): name is ImageName {
  return IMAGES.some((s) => s === name);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'build' || command === 'assemble') {
  const [service, out] = args;
  if (!isImage(service) || (command === 'assemble' && !out)) {
    process.stderr.write(`usage: build <${IMAGES.join('|')}> | assemble <${IMAGES.join('|')}> <out-dir>\n`);
    process.exit(2);
  }
  if (command === 'build') {
    await buildClosure(repoRoot, service);
    process.stdout.write(`built ${service} and its workspace dependencies\n`);
    process.exit(0);
  }
  const { files } = await assembleRuntime({ repoRoot, service, outDir: resolve(out ?? '') });
  process.stdout.write(`assembled ${service}: ${files.length} paths + production node_modules in ${out}\n`);
} else if (command === 'generate') {
  await writeFile(join(repoRoot, KAFKA_TOPICS_FILE), renderKafkaTopics());
  await writeFile(join(repoRoot, DASHBOARD_FILE), renderDashboard());
  // Written as the repository's formatter would, so `npm run format` leaves it alone.
  await run('npx', ['biome', 'format', '--write', DASHBOARD_FILE], { cwd: repoRoot });
  process.stdout.write(`wrote ${KAFKA_TOPICS_FILE} and ${DASHBOARD_FILE}\n`);
} else {
  process.stderr.write('usage: cli.ts build <image> | assemble <image> <out-dir> | generate\n');
  process.exit(2);
}

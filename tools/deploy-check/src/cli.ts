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

const USAGE = `usage: build <${IMAGES.join('|')}|all>... | assemble <${IMAGES.join('|')}|all> <out-dir>\n`;

const [command, ...args] = process.argv.slice(2);
if (command === 'build') {
  // Several at once (or all): the workspaces they share are built once, as the Dockerfile's build stage does.
  const images = args.includes('all') ? [...IMAGES] : args;
  if (images.length === 0 || !images.every(isImage)) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  await buildClosure(repoRoot, ...images);
  process.stdout.write(`built ${images.join(', ')} and their workspace dependencies\n`);
} else if (command === 'assemble') {
  // `assemble all <dir>` puts each image's file set in <dir>/<image>.
  const [service, out] = args;
  if (!(isImage(service) || service === 'all') || !out) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const targets =
    service === 'all'
      ? IMAGES.map((s) => [s, join(resolve(out), s)] as const)
      : [[service, resolve(out)] as const];
  for (const [image, outDir] of targets) {
    const { files } = await assembleRuntime({ repoRoot, service: image, outDir });
    process.stdout.write(
      `assembled ${image}: ${files.length} paths + production node_modules in ${outDir}\n`,
    );
  }
} else if (command === 'generate') {
  await writeFile(join(repoRoot, KAFKA_TOPICS_FILE), renderKafkaTopics());
  await writeFile(join(repoRoot, DASHBOARD_FILE), renderDashboard());
  // Written as the repository's formatter would, so `npm run format` leaves it alone.
  await run('npx', ['biome', 'format', '--write', DASHBOARD_FILE], { cwd: repoRoot });
  process.stdout.write(`wrote ${KAFKA_TOPICS_FILE} and ${DASHBOARD_FILE}\n`);
} else {
  process.stderr.write(`${USAGE.trimEnd()} | generate\n`);
  process.exit(2);
}

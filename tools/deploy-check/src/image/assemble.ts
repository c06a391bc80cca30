import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The services the Dockerfile builds (`--build-arg SERVICE=<name>`); it builds any `@synthcall/<name>` package. */
export const SERVICES = ['orchestrator', 'twiml-gateway', 'conversation-engine', 'analytics-sink'] as const;
export type ServiceName = (typeof SERVICES)[number];
/** Workspace packages deploy/k8s also runs from this Dockerfile, with a command set in the manifest. */
export const TOOL_IMAGES = ['cli', 'twilio-sim'] as const;
export type ImageName = ServiceName | (typeof TOOL_IMAGES)[number];

/**
 * Files a workspace package reads at run time beyond `package.json` and `dist/`, for packages that do not declare
 * them in `files`. The image and the smoke test both take this list, so a missing asset fails the smoke test.
 */
const RUNTIME_ASSETS: Readonly<Record<string, readonly string[]>> = {
  '@synthcall/schemas': ['avro'],
  // bin/synthcall.js checks the Node version through it before loading the CLI.
  '@synthcall/cli': ['bin/require-node.js'],
};

export class AssembleError extends Error {
  readonly code = 'SYNTH_IMAGE_ASSEMBLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AssembleError';
  }
}

interface PackageJson {
  name: string;
  files?: string[];
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  workspaces?: string[];
}

export interface WorkspacePackage {
  name: string;
  /** Folder relative to the repository root, with forward slashes. */
  dir: string;
  manifest: PackageJson;
}

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (cause) {
    throw new AssembleError(`cannot read ${file}`, { cause });
  }
}

/** Every workspace package of the repository, from the lockfile (it lists each workspace folder once). */
export async function workspacePackages(repoRoot: string): Promise<Map<string, WorkspacePackage>> {
  const lock = await readJson<{ packages: Record<string, { link?: boolean; resolved?: string }> }>(
    join(repoRoot, 'package-lock.json'),
  );
  const byName = new Map<string, WorkspacePackage>();
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!entry.link || !entry.resolved || !key.startsWith('node_modules/@synthcall/')) continue;
    const manifest = await readJson<PackageJson>(join(repoRoot, entry.resolved, 'package.json'));
    byName.set(manifest.name, { name: manifest.name, dir: entry.resolved, manifest });
  }
  return byName;
}

/** The service's package followed by every workspace package it depends on at run time (not devDependencies). */
export function runtimeClosure(
  packages: Map<string, WorkspacePackage>,
  service: ImageName,
): WorkspacePackage[] {
  const seen = new Map<string, WorkspacePackage>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    const pkg = packages.get(name);
    if (!pkg) throw new AssembleError(`workspace package ${name} is not in package-lock.json`);
    seen.set(name, pkg);
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) if (packages.has(dep)) visit(dep);
  };
  visit(`@synthcall/${service}`);
  return [...seen.values()];
}

/**
 * Builds (`npm run build`, i.e. tsc) the runtime closure, dependencies first: only what the image holds, so
 * devDependencies such as twilio-sim are not compiled.
 */
export async function buildClosure(repoRoot: string, ...services: ImageName[]): Promise<void> {
  const packages = await workspacePackages(repoRoot);
  const closure = [
    ...new Map(services.flatMap((s) => runtimeClosure(packages, s)).map((p) => [p.name, p])).values(),
  ];
  const names = new Set(closure.map((p) => p.name));
  const order: WorkspacePackage[] = [];
  const placed = new Set<string>();
  const place = (pkg: WorkspacePackage): void => {
    if (placed.has(pkg.name)) return;
    placed.add(pkg.name);
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) {
      const inner = closure.find((p) => p.name === dep);
      if (inner && names.has(dep)) place(inner);
    }
    order.push(pkg);
  };
  for (const pkg of closure) place(pkg);
  const args = ['run', 'build', ...order.flatMap((p) => ['--workspace', p.dir])];
  try {
    await run('npm', args, { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  } catch (cause) {
    throw new AssembleError(`build of ${services.join(', ')} and their workspace dependencies failed`, {
      cause,
    });
  }
}

/** Paths (relative to the repository root) the runtime image holds, before `npm ci` adds node_modules. */
export function runtimeFiles(closure: readonly WorkspacePackage[]): string[] {
  const files = ['package.json', 'package-lock.json'];
  for (const pkg of closure) {
    const bin = pkg.manifest.bin;
    const bins = (typeof bin === 'string' ? [bin] : Object.values(bin ?? {})).map((b) =>
      b.replace(/^\.\//, ''),
    );
    const own = new Set([
      'package.json',
      'dist',
      ...bins,
      ...(pkg.manifest.files ?? []),
      ...(RUNTIME_ASSETS[pkg.name] ?? []),
    ]);
    for (const file of own) files.push(`${pkg.dir}/${file}`);
  }
  return files;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export interface AssembleOptions {
  repoRoot: string;
  service: ImageName;
  outDir: string;
  /** `prefer-offline` lets the smoke test take what it can from npm's cache; the image build fetches. */
  npmMode?: 'online' | 'prefer-offline';
}

/**
 * Builds the image's `/app`: the service's runtime closure (package.json, dist, assets), the root manifests and a
 * production-only, workspace-scoped `npm ci`. The Dockerfile's build stage and the smoke test both call this.
 */
export async function assembleRuntime({
  repoRoot,
  service,
  outDir,
  npmMode = 'online',
}: AssembleOptions): Promise<{
  files: string[];
}> {
  const closure = runtimeClosure(await workspacePackages(repoRoot), service);
  const files = runtimeFiles(closure);
  for (const file of files) {
    const from = join(repoRoot, file);
    if (!(await exists(from))) {
      if (file.endsWith('/dist')) throw new AssembleError(`${file} is missing: build ${service} first`);
      throw new AssembleError(`${file} is missing`);
    }
    await mkdir(join(outDir, file, '..'), { recursive: true });
    await cp(from, join(outDir, file), { recursive: true });
  }
  // The root manifest still lists every workspace glob; a workspace-scoped install skips the folders that are absent.
  const service_ = closure[0];
  if (!service_) throw new AssembleError(`no package for ${service}`);
  const args = [
    'ci',
    '--omit=dev',
    '--workspace',
    service_.dir,
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
  ];
  if (npmMode === 'prefer-offline') args.push('--prefer-offline');
  try {
    await run('npm', args, { cwd: outDir, maxBuffer: 16 * 1024 * 1024 });
  } catch (cause) {
    throw new AssembleError(`npm ci --omit=dev for ${service} failed`, { cause });
  }
  return { files };
}

// Compiles the workspace's TypeScript sources to JavaScript, once per change, for the synthcall bin.
//
// Each workspace package's `src/**/*.ts` (tests left out) becomes `dist/**/*.js`, the layout `npm run build` gives
// and the packages' `exports` point at, so paths taken relative to a module (`../avro/`, `../package.json`) hold.
// esbuild only strips the types (no type check; `npm run typecheck` is that): all of it takes well under a second.
// A digest of every source file and package.json is written last, in `cli/dist/.built-from`: a run whose sources
// have changed since (an edit, a checkout, a pull) builds again before it starts, so a stale build never runs.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Raise when the way sources are compiled changes, so every existing build counts as stale. */
const BUILD_FORMAT = 1;

/** The workspace folders with TypeScript sources, from the root package.json's `workspaces` (`dir` or `dir/*`). */
function workspaces(root) {
  const { workspaces: patterns = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of patterns) {
    const parent = pattern.endsWith('/*') ? pattern.slice(0, -2) : undefined;
    const candidates = parent
      ? readdirSync(join(root, parent), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(parent, e.name))
      : [pattern];
    for (const dir of candidates) if (existsSync(join(root, dir, 'src'))) dirs.push(dir);
  }
  return dirs.sort();
}

/** The sources a build compiles: `.ts` files under `src/`, without tests and without the console's browser app. */
function sourcesOf(root, dir) {
  return readdirSync(join(root, dir, 'src'), { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'))
    .filter((name) => !(dir === 'cli' && name.startsWith(join('console', 'ui'))))
    .sort()
    .map((name) => join(dir, 'src', name));
}

function digestOf(root, dirs, files, esbuildVersion) {
  const hash = createHash('sha256').update(`format ${BUILD_FORMAT}\nesbuild ${esbuildVersion}\n`);
  // Its compilerOptions are handed to esbuild: a change there changes the output too.
  hash.update('tsconfig.base.json\0').update(readFileSync(join(root, 'tsconfig.base.json')));
  for (const dir of dirs) {
    hash.update(`${dir}/package.json\0`).update(readFileSync(join(root, dir, 'package.json')));
  }
  for (const file of files) hash.update(`\0${file}\0`).update(readFileSync(join(root, file)));
  return hash.digest('hex');
}

/**
 * Makes sure the workspace's `dist/` folders hold its current sources, compiled; returns whether it built.
 * Files are written beside their target and renamed into place, so a second CLI starting meanwhile reads either
 * the old file or the new one, never half of one.
 */
export async function ensureBuilt(root) {
  const esbuild = await import('esbuild');
  const dirs = workspaces(root);
  const files = dirs.flatMap((dir) => sourcesOf(root, dir));
  const digest = digestOf(root, dirs, files, esbuild.version);
  const stamp = join(root, 'cli', 'dist', '.built-from');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) return false;
  const compilerOptions = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
  for (const dir of dirs) {
    const entryPoints = files.filter((f) => f.startsWith(`${dir}/src/`)).map((f) => join(root, f));
    if (entryPoints.length === 0) continue;
    const result = await esbuild.build({
      entryPoints,
      outbase: join(root, dir, 'src'),
      outdir: join(root, dir, 'dist'),
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      tsconfigRaw: { compilerOptions },
      write: false,
      logLevel: 'silent',
    });
    for (const out of result.outputFiles) {
      await mkdir(dirname(out.path), { recursive: true });
      const temp = `${out.path}.${process.pid}.tmp`;
      await writeFile(temp, out.contents);
      await rename(temp, out.path);
    }
  }
  await mkdir(dirname(stamp), { recursive: true });
  const temp = `${stamp}.${process.pid}.tmp`;
  await writeFile(temp, `${digest}\n`);
  await rename(temp, stamp);
  return true;
}

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page and its bundle, held in memory: a few hundred kB. */
export interface ConsoleAssets {
  indexHtml: string;
  files: Map<string, { body: Buffer; type: string }>;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>synthcall console</title>
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body><div id="app"></div></body>
</html>
`;

const here = fileURLToPath(new URL('.', import.meta.url));
/**
 * The browser app's sources: present in a source checkout, absent from a built install. Found the same way from
 * src/console/ and from dist/console/ (the synthcall bin runs the compiled CLI in a checkout too).
 */
const UI_SOURCE = fileURLToPath(new URL('../../src/console/ui', import.meta.url));
/** Where `npm run build` puts the prebuilt bundle beside the compiled server. */
const UI_BUILT = join(here, 'ui-build');
/** Bundles built from the sources, one folder per content hash (cli/node_modules/.cache). */
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/synthcall-console/', import.meta.url));

/**
 * The console's assets. A built install serves the bundle `npm run build` made; a source checkout bundles the UI
 * sources with esbuild on first use into a cache keyed by the sources' hash (a fraction of a second, once per change),
 * so `npm ci` then `synthcall console` works on a fresh clone and never serves a stale bundle.
 */
export async function loadConsoleAssets(): Promise<ConsoleAssets> {
  const dir = existsSync(UI_SOURCE) ? await cachedBuild() : UI_BUILT;
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of ['app.js', 'app.css']) {
    files.set(name, {
      body: await readFile(join(dir, name)),
      type: TYPES[name.slice(name.lastIndexOf('.'))] ?? '',
    });
  }
  const etag = `"${createHash('sha256')
    .update(Buffer.concat([...files.values()].map((f) => f.body)))
    .digest('hex')
    .slice(0, 16)}"`;
  return { indexHtml: INDEX_HTML, files, etag };
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const { version } = (await import('esbuild')) as { version: string };
  hash.update(`esbuild ${version}\n`);
  const names = (await readdir(UI_SOURCE, { recursive: true })).map(String).sort();
  for (const name of names) {
    if (!/\.(tsx?|css)$/.test(name)) continue;
    hash.update(`${name}\n`);
    hash.update(await readFile(join(UI_SOURCE, name)));
  }
  return hash.digest('hex').slice(0, 20);
}

async function cachedBuild(): Promise<string> {
  const hash = await sourceHash();
  const dir = join(CACHE, hash);
  if (existsSync(join(dir, 'app.js'))) return dir;
  // Built beside, then renamed: two consoles starting at once never read a half-written bundle.
  const temp = `${dir}.${process.pid}.tmp`;
  await buildConsoleUi(temp);
  await rename(temp, dir).catch(async (err: NodeJS.ErrnoException) => {
    await rm(temp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'app.js'))) throw err;
  });
  // Bundles of older sources are never served again (the hash changed with the sources).
  for (const name of await readdir(CACHE)) {
    if (name !== hash && !name.endsWith('.tmp'))
      await rm(join(CACHE, name), { recursive: true, force: true });
  }
  return dir;
}

/** Bundles the UI (Preact, TSX, CSS) into `outDir`/app.js and app.css, minified, for browsers of the last years. */
export async function buildConsoleUi(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: { app: join(UI_SOURCE, 'main.tsx') },
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'silent',
  });
}

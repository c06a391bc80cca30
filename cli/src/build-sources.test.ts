import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../bin/build-sources.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A workspace of two packages, shaped like this repository (root workspaces, tsconfig.base.json, cli/). */
async function workspace(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'synthcall-build-'));
  dirs.push(root);
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ workspaces: ['cli', 'packages/*'] }),
    'tsconfig.base.json': JSON.stringify({
      compilerOptions: { target: 'ES2022', verbatimModuleSyntax: true },
    }),
    'cli/package.json': '{}',
    'cli/src/cli.ts':
      "import { greet } from './greet.js';\nexport const main = (): string => greet('cli');\n",
    'cli/src/greet.ts': "export const greet = (who: string): string => 'hello ' + who;\n",
    'cli/src/cli.test.ts': 'this is not compiled',
    'cli/src/console/ui/app.ts': 'this is bundled by the console, not compiled here',
    'packages/lib/package.json': '{}',
    'packages/lib/src/index.ts': 'export const answer: number = 42;\n',
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(root, name, '..'), { recursive: true });
    await writeFile(join(root, name), text);
  }
  return root;
}

describe('the synthcall bin: sources compiled once per change', () => {
  it('compiles every package into its dist/ and leaves tests and the browser app out', async () => {
    const root = await workspace();
    expect(await ensureBuilt(root)).toBe(true);
    const cli = await import(join(root, 'cli/dist/cli.js'));
    expect(cli.main()).toBe('hello cli');
    expect(await readFile(join(root, 'packages/lib/dist/index.js'), 'utf8')).toContain('42');
    await expect(readFile(join(root, 'cli/dist/cli.test.js'))).rejects.toThrow();
    await expect(readFile(join(root, 'cli/dist/console/ui/app.js'))).rejects.toThrow();
  });

  it('does not build again while the sources are unchanged, and builds again after an edit', async () => {
    const root = await workspace();
    await ensureBuilt(root);
    expect(await ensureBuilt(root)).toBe(false);
    await writeFile(join(root, 'packages/lib/src/index.ts'), 'export const answer: number = 43;\n');
    expect(await ensureBuilt(root)).toBe(true);
    expect(await readFile(join(root, 'packages/lib/dist/index.js'), 'utf8')).toContain('43');
  });

  it('builds again when a package.json changes (its exports decide what runs)', async () => {
    const root = await workspace();
    await ensureBuilt(root);
    await writeFile(join(root, 'packages/lib/package.json'), '{"exports":{".":"./dist/index.js"}}');
    expect(await ensureBuilt(root)).toBe(true);
  });

  it('builds again when tsconfig.base.json changes (its compilerOptions shape the output)', async () => {
    const root = await workspace();
    await ensureBuilt(root);
    await writeFile(
      join(root, 'tsconfig.base.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', useDefineForClassFields: false } }),
    );
    expect(await ensureBuilt(root)).toBe(true);
  });
});

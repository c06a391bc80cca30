// npm run grammar -w @synthcall/grammar-check -- FILE [--all] [--examples N]
// Checks every line of FILE (one utterance per line, e.g. from `DUMP_LINES=1 npm run distinct2 -w
// @synthcall/conversation-engine`) with LanguageTool 6.5 (en-US) and prints the findings grouped by rule.
// Fetches LanguageTool from Maven Central on first use (~60 MB into ~/.m2) and compiles the checker with Maven.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_IGNORED, parseFindings, summarise } from './summary.js';

const HELP = `usage: grammar-check FILE [--all] [--examples N]

Checks each line of FILE with LanguageTool (en-US) and prints the findings grouped by rule, most frequent first.
  --all          keep spelling and the style rules left out by default (${DEFAULT_IGNORED.join(', ')})
  --examples N   examples shown per rule (default 3)
Needs Java 17+ and Maven; the first run fetches LanguageTool 6.5 from Maven Central.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h') || args.length === 0) {
  console.log(HELP);
  process.exit(args.length === 0 ? 2 : 0);
}
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--examples');
const examplesAt = args.indexOf('--examples');
const examples = examplesAt >= 0 ? Number(args[examplesAt + 1]) : 3;
if (!file || !existsSync(file)) {
  console.error(`grammar-check: no such file: ${file ?? '(none)'}; give a file with one utterance per line`);
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const classes = join(root, 'target', 'classes');
const lib = join(root, 'target', 'lib');
if (!existsSync(join(classes, 'dev', 'synthcall', 'grammar', 'GrammarCheck.class')) || !existsSync(lib)) {
  console.error('grammar-check: building the checker with Maven (first run fetches LanguageTool)…');
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      'compile',
      'dependency:copy-dependencies',
      '-DoutputDirectory=target/lib',
      '-DincludeScope=runtime',
    ],
    { cwd: root, stdio: 'inherit' },
  );
}

const lines = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim().length > 0);
const started = Date.now();
const run = spawnSync('java', ['-cp', `${classes}:${lib}/*`, 'dev.synthcall.grammar.GrammarCheck'], {
  input: `${lines.join('\n')}\n`,
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
if (run.status !== 0) {
  console.error(`grammar-check: the checker failed (exit ${run.status}): ${run.stderr}`);
  process.exit(1);
}
const findings = parseFindings(run.stdout);
const summary = summarise(findings, lines, {
  ignore: args.includes('--all') ? [] : DEFAULT_IGNORED,
  examples,
});
const shown = summary.reduce((n, s) => n + s.count, 0);
console.log(
  `${lines.length} lines checked in ${((Date.now() - started) / 1000).toFixed(1)} s: ${shown} findings in ${summary.length} rules` +
    (args.includes('--all')
      ? ''
      : ` (${findings.length - shown} spelling/style findings left out; --all shows them)`),
);
for (const s of summary) {
  console.log(`\n${s.count}\t${s.rule} (${s.category})`);
  for (const e of s.examples) console.log(`\t${e}`);
}

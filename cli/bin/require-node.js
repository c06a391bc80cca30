// The Node the project runs on (package.json `engines`; a unit test keeps the two equal). The CLI and the test
// runner check it before loading anything else, so an older Node stops with what to install instead of failing
// somewhere inside a dependency that needs a newer one. Plain JavaScript, no imports: it must run on any Node.
export const NODE_MINIMUM = '24.11';

/** Why `version` (e.g. `20.20.2`) cannot run synthcall, or undefined when it can. */
export function nodeProblem(version, execPath = 'node') {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [needMajor, needMinor] = NODE_MINIMUM.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return [
    `synthcall needs Node.js 24 LTS (${NODE_MINIMUM} or newer); this is Node ${version} (${execPath}).`,
    'Install Node 24 (https://nodejs.org/en/download, or `nvm install 24`), or on Linux x64 take it from the npm',
    "registry into ~/.cache/synthcall/node with the repository's script and put it first on PATH:",
    '  export PATH="$(bash tools/node.sh bin):$PATH"',
    'then run the command again (after `npm ci` if node_modules was installed by the older Node).',
  ].join('\n');
}

/** Stops the process with the message above on an older Node. */
export function requireNode() {
  const problem = nodeProblem(process.versions.node, process.execPath);
  if (problem === undefined) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

// `npm run build`: the console's browser bundle beside the compiled server, for an install without the UI sources.
import { buildConsoleUi } from '../src/console/assets.js';

const out = process.argv[2];
if (!out) throw new Error('usage: build-console-ui.ts <out dir>');
await buildConsoleUi(out);

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultPersonas } from '@synthcall/personas';
import { readCallRecords } from '../report.js';
import { loadConsoleAssets } from './assets.js';
import { ConsoleDataset } from './dataset.js';
import type { LiveFeed } from './live.js';
import { createConsoleApp } from './server.js';

export interface StartConsoleOptions {
  /** Dataset folder; undefined = Live only. */
  dataset?: string;
  /** Whether the folder must already hold calls.jsonl (`synthcall console`), or may fill while it runs (`generate`). */
  datasetMustExist: boolean;
  live?: LiveFeed;
  host: string;
  /** 0 = a free port. */
  port: number;
}

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Builds (or finds) the assets, then serves the console; resolves once it listens. */
export async function startConsole(o: StartConsoleOptions): Promise<RunningConsole> {
  // Fails now, with the report's own error, when the folder is not a dataset: not on the first page view.
  if (o.dataset && o.datasetMustExist) await readCallRecords(o.dataset);
  const personas = defaultPersonas();
  const names = new Map([...personas.customers, ...personas.agents].map((p) => [p.id, p.name]));
  const assets = await loadConsoleAssets();
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = o.host.includes(':') ? `[${o.host}]` : o.host;
  const app = createConsoleApp({
    ...(o.dataset ? { dataset: new ConsoleDataset(o.dataset, names) } : {}),
    ...(o.live ? { live: o.live } : {}),
    assets,
    // On loopback only this machine's own names reach it; bound wider, the operator chose who may.
    allowedHosts: LOOPBACK.has(o.host) ? [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`] : [],
  });
  server.on('request', app.handler);
  return {
    url: `http://${hostPart}:${port}/`,
    async close() {
      app.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

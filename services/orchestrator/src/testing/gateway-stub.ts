import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hook {
  path: string;
  query: Record<string, string>;
  params: Record<string, string>;
}

/** A stand-in for the gateway: records every webhook and answers voice webhooks with a short pause and hang-up. */
export async function startGatewayStub(): Promise<{ url: string; hooks: Hook[]; server: Server }> {
  const hooks: Hook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      hooks.push({
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        params: Object.fromEntries(new URLSearchParams(body)),
      });
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        url.pathname === '/voice' ? '<Response><Pause length="2"/><Hangup/></Response>' : '<Response/>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hooks, server };
}

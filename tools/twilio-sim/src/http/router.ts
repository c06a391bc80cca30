import type { SimRequest, SimResponse } from './request.js';

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** A path pattern: literal text plus regex capture groups for ids. */
  path: string;
  handler: (req: SimRequest, params: string[]) => SimResponse | Promise<SimResponse>;
}

interface Compiled {
  route: Route;
  pattern: RegExp;
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({
      route,
      pattern: new RegExp(`^${route.path.replace(/\.(?=json|wav)/g, '\\.')}$`),
    }));
  }

  /** The route for a request, or `405` when the path exists with another method, or undefined. */
  match(method: string, path: string): { route: Route; params: string[] } | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const { route, pattern } of this.compiled) {
      const m = pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method === method) return { route, params: m.slice(1).map((p) => p ?? '') };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

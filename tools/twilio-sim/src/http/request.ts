import { badRequest } from '../errors.js';

/** Form or query parameters; repeated keys (the SDK's `arrayFormat: repeat`) keep every value. */
export class Params {
  private readonly map = new Map<string, string[]>();

  constructor(search: URLSearchParams) {
    for (const [k, v] of search) {
      const list = this.map.get(k);
      if (list) list.push(v);
      else this.map.set(k, [v]);
    }
  }

  get(name: string): string | undefined {
    return this.map.get(name)?.[0];
  }

  all(name: string): string[] {
    // The SDK repeats keys; some clients send one space-separated value instead.
    return (this.map.get(name) ?? []).flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '');
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  bool(name: string): boolean | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (v === 'true' || v === 'false') return v === 'true';
    throw badRequest(20001, `Invalid value "${v}" for ${name}: expected true or false`);
  }

  int(name: string, fallback: number): number {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n))
      throw badRequest(20001, `Invalid value "${v}" for ${name}: expected an integer`);
    return n;
  }

  method(name: string): 'GET' | 'POST' {
    const v = this.get(name);
    if (v === undefined) return 'POST';
    const upper = v.toUpperCase();
    if (upper !== 'GET' && upper !== 'POST')
      throw badRequest(21218, `Invalid ${name} "${v}": expected GET or POST`);
    return upper;
  }
}

export interface SimRequest {
  method: string;
  path: string;
  url: URL;
  query: Params;
  body: Params;
}

export interface SimResponse {
  status: number;
  json?: unknown;
  body?: Buffer;
  contentType?: string;
}

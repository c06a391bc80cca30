import type { Params } from './request.js';

/** v2010 list envelope: `{<key>: [...], end, first_page_uri, next_page_uri, page, page_size, previous_page_uri, start, uri}`. */
export function v2010Page<T>(
  key: string,
  items: T[],
  path: string,
  query: Params,
  filters: Record<string, string>,
): Record<string, unknown> {
  const pageSize = Math.min(1000, Math.max(1, query.int('PageSize', 50)));
  const page = Math.max(0, query.int('Page', 0));
  const start = page * pageSize;
  const slice = items.slice(start, start + pageSize);
  const uriFor = (p: number) => {
    const q = new URLSearchParams(filters);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(p));
    return `${path}?${q.toString()}`;
  };
  return {
    [key]: slice,
    end: start + Math.max(0, slice.length - 1),
    first_page_uri: uriFor(0),
    next_page_uri: start + pageSize < items.length ? uriFor(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? uriFor(page - 1) : null,
    start,
    uri: uriFor(page),
  };
}

/** Intelligence v2 list envelope: `{<key>: [...], meta: {key, page, page_size, first_page_url, next_page_url, previous_page_url, url}}`. */
export function v2Page<T>(
  key: string,
  items: T[],
  baseUrl: string,
  query: Params,
  filters: Record<string, string>,
): Record<string, unknown> {
  const pageSize = Math.min(1000, Math.max(1, query.int('PageSize', 50)));
  const page = Math.max(0, query.int('Page', 0));
  const start = page * pageSize;
  const urlFor = (p: number) => {
    const q = new URLSearchParams(filters);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(p));
    return `${baseUrl}?${q.toString()}`;
  };
  return {
    [key]: items.slice(start, start + pageSize),
    meta: {
      key,
      page,
      page_size: pageSize,
      first_page_url: urlFor(0),
      next_page_url: start + pageSize < items.length ? urlFor(page + 1) : null,
      previous_page_url: page > 0 ? urlFor(page - 1) : null,
      url: urlFor(page),
    },
  };
}

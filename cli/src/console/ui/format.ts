/** 75 → "1:15". */
export function clock(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '–';
  const s = Math.max(0, Math.floor(sec));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** "payment_arrangement" → "payment arrangement". */
export const words = (s: string | null | undefined): string => (s ?? '–').replaceAll('_', ' ');

/** The hash route: "#/calls/abc?industry=x" → { path: ["calls", "abc"], query }. */
export function parseHash(hash: string): { path: string[]; query: URLSearchParams } {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

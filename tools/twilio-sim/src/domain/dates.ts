/** RFC 2822 as Twilio writes it in v2010 (`Tue, 31 Aug 2010 20:36:28 +0000`). */
export function rfc2822(epochMs: number): string {
  return new Date(epochMs).toUTCString().replace('GMT', '+0000');
}

/** ISO 8601 without milliseconds, as Intelligence v2 writes it (`2010-08-31T20:36:28Z`). */
export function iso8601(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

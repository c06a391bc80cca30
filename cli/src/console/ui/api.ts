import type { CallRecord } from '@synthcall/analytics-sink/dataset';
import type { CallDetail, SearchHit } from '../dataset.js';
import type { LiveSnapshot } from '../live-board.js';

export type { CallDetail, CallRecord, LiveSnapshot, SearchHit };

export interface DatasetResponse {
  dir: string;
  manifest: { runId?: string; seed?: string; config?: Record<string, unknown> } | null;
  calls: CallRecord[];
  /** Persona id → display name, for the personas the dataset names. */
  personas: Record<string, string>;
}

export type LiveResponse = LiveSnapshot | { attached: false };

export class ApiError extends Error {}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, signal ? { signal } : {});
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(body.error ?? `${path}: HTTP ${res.status}`);
  return body as T;
}

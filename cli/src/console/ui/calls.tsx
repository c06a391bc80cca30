import { useEffect, useMemo, useState } from 'preact/hooks';
import { type CallRecord, type DatasetResponse, getJson, type SearchHit } from './api.js';
import { clock, words } from './format.js';

/** The list's filters: each narrows by one field of the call record. */
const FILTERS = [
  { key: 'industry', label: 'Industry', of: (c: CallRecord) => c.scenario.industry },
  { key: 'outcome', label: 'Outcome', of: (c: CallRecord) => c.outcome ?? 'not ended' },
  { key: 'endReason', label: 'End reason', of: (c: CallRecord) => c.endReason ?? 'not ended' },
  { key: 'strategy', label: 'Strategy', of: (c: CallRecord) => c.strategy },
] as const;

/** Rows rendered before the first paint; the rest follow in one render after it. */
const FIRST_ROWS = 60;

function setQuery(query: URLSearchParams, key: string, value: string) {
  const next = new URLSearchParams(query);
  if (value) next.set(key, value);
  else next.delete(key);
  const qs = next.toString();
  history.replaceState(null, '', `#/calls${qs ? `?${qs}` : ''}`);
  dispatchEvent(new HashChangeEvent('hashchange'));
}

export function CallsView({ query }: { query: URLSearchParams }) {
  const [data, setData] = useState<DatasetResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hits, setHits] = useState<{ query: string; hits: SearchHit[] } | null>(null);
  const text = query.get('q') ?? '';
  const [draft, setDraft] = useState(text);

  useEffect(() => {
    getJson<DatasetResponse>('/api/dataset').then(setData, (e: Error) => setError(e.message));
  }, []);

  // Transcript search runs on the server (it reads the transcripts); typing waits a moment before asking.
  useEffect(() => {
    if (draft === text) return;
    const t = setTimeout(() => setQuery(query, 'q', draft.trim()), 250);
    return () => clearTimeout(t);
  }, [draft]);
  useEffect(() => {
    if (!text) return setHits(null);
    const abort = new AbortController();
    getJson<{ query: string; hits: SearchHit[] }>(
      `/api/search?q=${encodeURIComponent(text)}`,
      abort.signal,
    ).then(setHits, () => undefined);
    return () => abort.abort();
  }, [text]);

  const calls = data?.calls ?? [];
  const options = useMemo(
    () =>
      Object.fromEntries(FILTERS.map((f) => [f.key, [...new Set(calls.map(f.of))].sort()])) as Record<
        string,
        string[]
      >,
    [calls],
  );
  const personaIds = useMemo(
    () => [...new Set(calls.flatMap((c) => [c.customerId, c.agentId]))].sort(),
    [calls],
  );
  const persona = query.get('persona') ?? '';
  const hitByCall = useMemo(() => {
    const m = new Map<string, SearchHit>();
    for (const h of hits?.hits ?? []) if (!m.has(h.callId)) m.set(h.callId, h);
    return m;
  }, [hits]);
  const filterKey = query.toString();
  const shown = useMemo(
    () =>
      calls.filter(
        (c) =>
          FILTERS.every((f) => !query.get(f.key) || f.of(c) === query.get(f.key)) &&
          (!persona || c.customerId === persona || c.agentId === persona) &&
          (!text || hitByCall.has(c.callId)),
      ),
    [calls, filterKey, hitByCall],
  );
  const name = (id: string) => data?.personas[id] ?? id;
  // Built once per list: a row already on the page is the same vnode on the next slice, so Preact skips it.
  const rows = useMemo(
    () =>
      shown.map((c) => {
        const hit = hitByCall.get(c.callId);
        return (
          <tr key={c.callId}>
            <td>
              <a href={`#/calls/${encodeURIComponent(c.callId)}`}>{c.callId}</a>
              {hit ? (
                <div class="hit">
                  turn {hit.turn}: {hit.text.split('\n')[0]}
                </div>
              ) : null}
            </td>
            <td>
              {name(c.customerId)} → {name(c.agentId)}
            </td>
            <td>
              {c.scenario.industry} · {words(c.scenario.issueCategory)}
            </td>
            <td>{c.scenario.demeanor}</td>
            <td class={c.outcome === c.expectedOutcome ? 'ok' : 'off'}>
              {c.outcome ?? 'not ended'} ({c.expectedOutcome})
            </td>
            <td>{words(c.endReason)}</td>
            <td class="num">{c.turnCount}</td>
            <td class="num">{clock(c.durationSec)}</td>
          </tr>
        );
      }),
    [shown, hitByCall, data],
  );
  // A thousand rows at once keep the first screen from showing for a while on a busy machine: the first rows are
  // rendered at once, the rest right after the first paint (in one render: slices cost more than they hide).
  const [rendered, setRendered] = useState(FIRST_ROWS);
  useEffect(() => {
    if (rendered >= shown.length) return;
    const t = setTimeout(() => setRendered(Number.POSITIVE_INFINITY), 0);
    return () => clearTimeout(t);
  }, [rendered, shown.length]);

  if (error)
    return (
      <p role="alert" class="error">
        {error}
      </p>
    );
  if (!data) return <p aria-busy="true">Loading the dataset…</p>;
  return (
    <section aria-labelledby="calls-h">
      <h1 id="calls-h">Calls</h1>
      <p class="muted">
        {data.dir}
        {data.manifest?.seed ? ` · seed ${data.manifest.seed}` : ''}
      </p>
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search transcripts
          <input
            type="search"
            value={draft}
            placeholder="words said or heard"
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </label>
        {FILTERS.map((f) => (
          <label key={f.key}>
            {f.label}
            <select
              value={query.get(f.key) ?? ''}
              onChange={(e) => setQuery(query, f.key, e.currentTarget.value)}
            >
              <option value="">all</option>
              {options[f.key]?.map((v) => (
                <option key={v} value={v}>
                  {words(v)}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label>
          Persona
          <select value={persona} onChange={(e) => setQuery(query, 'persona', e.currentTarget.value)}>
            <option value="">all</option>
            {personaIds.map((id) => (
              <option key={id} value={id}>
                {name(id)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p aria-live="polite" class="count">
        {shown.length} of {calls.length} calls
        {text && !hits ? ' · searching…' : ''}
      </p>
      <div class="scroll">
        <table class="calls">
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">Customer → agent</th>
              <th scope="col">Industry · issue</th>
              <th scope="col">Demeanor</th>
              <th scope="col">Outcome (planned)</th>
              <th scope="col">End reason</th>
              <th scope="col">Turns</th>
              <th scope="col">Length</th>
            </tr>
          </thead>
          <tbody>{rows.slice(0, rendered)}</tbody>
        </table>
      </div>
    </section>
  );
}

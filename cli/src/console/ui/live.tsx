import { useEffect, useState } from 'preact/hooks';
import type { LiveResponse, LiveSnapshot } from './api.js';
import { words } from './format.js';

export function LiveView() {
  const [live, setLive] = useState<LiveResponse | null>(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource('/api/live/events');
    source.onmessage = (e) => {
      const snapshot = JSON.parse(e.data as string) as LiveResponse;
      setLive(snapshot);
      setConnected(true);
      // Nothing attached: the stream ends, and the browser would keep reconnecting to hear that again.
      if (!snapshot.attached) source.close();
    };
    source.onerror = () => setConnected(false);
    return () => source.close();
  }, []);

  if (!live) return <p aria-busy="true">Connecting to the live feed…</p>;
  if (!live.attached) {
    return (
      <section aria-labelledby="live-h">
        <h1 id="live-h">Live</h1>
        <p>
          No run is attached. Watch one with <code>synthcall generate --console</code> (in-process bus) or{' '}
          <code>synthcall console --bus kafka</code> beside <code>synthcall up</code>.
        </p>
      </section>
    );
  }
  return <Board live={live} connected={connected} />;
}

function Board({ live, connected }: { live: LiveSnapshot; connected: boolean }) {
  const t = live.totals;
  return (
    <section aria-labelledby="live-h">
      <h1 id="live-h">Live</h1>
      <p class="muted">
        {live.source} bus · since {new Date(live.since).toLocaleTimeString()}
        {connected ? '' : ' · reconnecting…'}
      </p>
      <ul class="kpis" aria-label="Totals">
        <Kpi label="in progress" value={live.active.length} />
        <Kpi label="ended" value={t.ended} />
        <Kpi label="calls/min" value={live.callsPerMin} />
        <Kpi label="lines" value={t.lines} />
        <Kpi label="fallbacks" value={t.fallbacks} warn={t.fallbacks > 0} />
        <Kpi label="dead letters" value={t.deadLetters} warn={t.deadLetters > 0} />
      </ul>
      <h2 id="active-h">In progress</h2>
      <div class="scroll">
        <table aria-labelledby="active-h" class="live" data-testid="active">
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">Customer → agent</th>
              <th scope="col">Issue</th>
              <th scope="col">Demeanor</th>
              <th scope="col">Turns</th>
              <th scope="col">Last line</th>
            </tr>
          </thead>
          <tbody>
            {live.active.length === 0 ? (
              <tr>
                <td colSpan={6} class="muted">
                  No call in progress.
                </td>
              </tr>
            ) : null}
            {live.active.map((c) => (
              <tr key={c.callId} data-call={c.callId}>
                <td>{c.callId}</td>
                <td>
                  {c.customer} → {c.agent}
                </td>
                <td>
                  {c.industry} · {words(c.issueCategory)}
                </td>
                <td>{c.demeanor}</td>
                <td class="num">{c.turns}</td>
                <td class="line">
                  {c.speaker ? <span class={`role ${c.speaker}`}>{c.speaker}</span> : null}{' '}
                  {c.lastLine ?? '…'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 id="ended-h">Recently ended</h2>
      <div class="scroll">
        <table aria-labelledby="ended-h" class="live" data-testid="ended">
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">Customer → agent</th>
              <th scope="col">End reason</th>
              <th scope="col">Turns</th>
              <th scope="col">Ended</th>
            </tr>
          </thead>
          <tbody>
            {live.ended.map((c) => (
              <tr key={c.callId} data-call={c.callId}>
                <td>
                  <a href={`#/calls/${encodeURIComponent(c.callId)}`}>{c.callId}</a>
                </td>
                <td>
                  {c.customer} → {c.agent}
                </td>
                <td>
                  {words(c.endReason)}
                  {c.endedBy ? ` (${c.endedBy})` : ''}
                </td>
                <td class="num">{c.turns}</td>
                <td>{c.endedAt ? new Date(c.endedAt).toLocaleTimeString() : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Kpi({ label, value, warn }: { label: string; value: number; warn?: boolean }) {
  return (
    <li class={warn ? 'warn' : ''}>
      <span class="value">{value}</span> <span class="label">{label}</span>
    </li>
  );
}

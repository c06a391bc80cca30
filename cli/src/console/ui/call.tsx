import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type CallDetail, getJson } from './api.js';
import { clock, words } from './format.js';

type Turn = CallDetail['turns'][number];
type Pii = NonNullable<CallDetail['labels']>['spokenPii'][number];

/** The said text with the labels' PII spans marked, at exactly their offsets. */
function withPii(text: string, spans: Pii[]): ComponentChildren {
  const parts: ComponentChildren[] = [];
  let at = 0;
  for (const p of [...spans].sort((a, b) => a.start - b.start)) {
    if (p.start < at || p.end > text.length) continue;
    parts.push(text.slice(at, p.start));
    parts.push(
      <mark
        class="pii"
        data-pii-type={p.type}
        data-start={p.start}
        data-end={p.end}
        title={`PII: ${words(p.type)}`}
      >
        {text.slice(p.start, p.end)}
      </mark>,
    );
    at = p.end;
  }
  parts.push(text.slice(at));
  return parts;
}

/** The turn playing at `sec`: the last one that started at or before it. */
function turnAt(turns: Turn[], sec: number): number | null {
  let current: number | null = null;
  for (const t of turns) if (t.timing && t.timing.startSec <= sec + 0.05) current = t.turn;
  return current;
}

export function CallView({ id }: { id: string }) {
  const [call, setCall] = useState<CallDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState<number | null>(null);
  const audio = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    setCall(null);
    setError(null);
    getJson<CallDetail>(`/api/calls/${encodeURIComponent(id)}`).then(setCall, (e: Error) =>
      setError(e.message),
    );
  }, [id]);

  if (error)
    return (
      <p role="alert" class="error">
        {error}
      </p>
    );
  if (!call) return <p aria-busy="true">Loading {id}…</p>;

  const { record, labels } = call;
  const demeanorAt = new Map(labels?.demeanorTrajectory.map((d) => [d.turn, d.demeanor]) ?? []);
  const piiOf = (turn: number) => labels?.spokenPii.filter((p) => p.turn === turn) ?? [];
  const seek = (t: Turn) => {
    const el = audio.current;
    if (!el || !t.timing) return;
    el.currentTime = t.timing.startSec;
    setPlaying(t.turn);
    void el.play().catch(() => undefined);
  };

  return (
    <article aria-labelledby="call-h" class="call">
      <p>
        <a href="#/calls">← Calls</a>
      </p>
      <h1 id="call-h">{record.callId}</h1>
      <p class="summary">{record.scenario.summary}</p>
      <dl class="facts">
        <Fact k="Customer">{call.names.customer ?? record.customerId}</Fact>
        <Fact k="Agent">{call.names.agent ?? record.agentId}</Fact>
        <Fact k="Industry · issue">
          {record.scenario.industry} · {words(record.scenario.issueCategory)} (complexity{' '}
          {record.scenario.issueComplexity})
        </Fact>
        <Fact k="Strategy">
          {record.strategy} (pairing {record.pairingScore.toFixed(2)})
        </Fact>
        <Fact k="Outcome">
          {record.outcome ?? 'not ended'} (planned {record.expectedOutcome})
        </Fact>
        <Fact k="Ended">
          {words(record.endReason)} by {record.endedBy ?? '–'} after {record.turnCount} turns,{' '}
          {clock(record.durationSec)}
        </Fact>
      </dl>

      <div class="columns">
        <section aria-labelledby="transcript-h" class="transcript">
          <h2 id="transcript-h">Transcript</h2>
          {call.recording ? (
            <div class="player">
              {/* biome-ignore lint/a11y/useMediaCaption: the transcript beside the player is the caption */}
              <audio
                ref={audio}
                controls
                preload="metadata"
                src={`/api/calls/${encodeURIComponent(record.callId)}/recording.wav`}
                aria-label="Dual-channel recording: customer on the left, agent on the right"
                onTimeUpdate={(e) => setPlaying(turnAt(call.turns, e.currentTarget.currentTime))}
              />
              <p class="muted">
                Dual-channel recording (customer left, agent right). Turn times{' '}
                {call.timingSource === 'recording'
                  ? 'from the recording’s transcript'
                  : call.timingSource === 'transcript'
                    ? 'from the transcript'
                    : 'unknown'}
                ; choose a turn’s time to play from there.
              </p>
            </div>
          ) : (
            <p class="muted">No recording in the dataset (generate with --audio).</p>
          )}
          <ol class="turns">
            {call.turns.map((t) => (
              <li
                key={t.turn}
                class={`turn ${t.role}`}
                data-turn={t.turn}
                aria-current={playing === t.turn ? 'true' : undefined}
              >
                <div class="meta">
                  <span class="role">{t.role}</span>
                  <span>turn {t.turn}</span>
                  {t.timing && call.recording ? (
                    <button
                      type="button"
                      class="seek"
                      onClick={() => seek(t)}
                      aria-label={`Play from turn ${t.turn} at ${clock(t.timing.startSec)}`}
                    >
                      ▶ {clock(t.timing.startSec)}
                    </button>
                  ) : t.timing ? (
                    <span>{clock(t.timing.startSec)}</span>
                  ) : null}
                  {t.move ? <span class="tag">{words(t.move)}</span> : null}
                  {t.realizedBy ? <span class="tag">{t.realizedBy}</span> : null}
                  {t.fallback ? <span class="tag warn">fallback</span> : null}
                  {demeanorAt.has(t.turn) ? <span class="tag mood">{demeanorAt.get(t.turn)}</span> : null}
                </div>
                <p class="said">{withPii(t.said, piiOf(t.turn))}</p>
                {t.heard !== null && t.heard !== t.said ? (
                  <p class="heard">
                    <span class="muted">
                      heard{t.confidence !== null ? ` (${Math.round(t.confidence * 100)}%)` : ''}:
                    </span>{' '}
                    {t.heard}
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        </section>

        <aside class="side">
          <section aria-labelledby="vi-h">
            <h2 id="vi-h">Voice Intelligence vs ground truth</h2>
            {call.comparison.length === 0 ? (
              <p class="muted">No labels for this call.</p>
            ) : (
              <table class="compare">
                <thead>
                  <tr>
                    <th scope="col" />
                    <th scope="col">Ground truth</th>
                    <th scope="col">Observed</th>
                  </tr>
                </thead>
                <tbody>
                  {call.comparison.map((c) => (
                    <tr key={c.what} class={c.agrees === null ? '' : c.agrees ? 'ok' : 'off'}>
                      <th scope="row">{c.what}</th>
                      <td>{words(c.truth)}</td>
                      <td>
                        {c.observed === null ? 'not observed' : c.observed}{' '}
                        <span class="verdict">
                          {c.agrees === null ? '' : c.agrees ? '✓ agrees' : '✗ differs'}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {labels ? (
            <section aria-labelledby="demeanor-h">
              <h2 id="demeanor-h">Demeanor</h2>
              <ol class="trajectory">
                {labels.demeanorTrajectory.map((d) => (
                  <li key={d.turn}>
                    <span class="muted">turn {d.turn}</span> {d.demeanor}
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
          {labels ? (
            <section aria-labelledby="pii-h">
              <h2 id="pii-h">Spoken PII (labels)</h2>
              {labels.spokenPii.length === 0 ? (
                <p class="muted">None.</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Type</th>
                      <th scope="col">Value</th>
                      <th scope="col">Turn</th>
                    </tr>
                  </thead>
                  <tbody>
                    {labels.spokenPii.map((p) => (
                      <tr key={`${p.turn}:${p.start}`}>
                        <td>{words(p.type)}</td>
                        <td>{p.value}</td>
                        <td class="num">{p.turn}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          ) : null}
        </aside>
      </div>
    </article>
  );
}

function Fact({ k, children }: { k: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{k}</dt>
      <dd>{children}</dd>
    </div>
  );
}

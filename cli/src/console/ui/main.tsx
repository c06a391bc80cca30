import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './app.css';
import { CallView } from './call.js';
import { CallsView } from './calls.js';
import { parseHash } from './format.js';
import { LiveView } from './live.js';
import { ReportView } from './report.js';

const VIEWS = [
  { id: 'live', label: 'Live' },
  { id: 'calls', label: 'Calls' },
  { id: 'report', label: 'Report' },
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function App() {
  const { path, query } = parseHash(useHash());
  const view = path[0] ?? 'calls';
  let main = <CallsView query={query} />;
  if (view === 'live') main = <LiveView />;
  else if (view === 'report') main = <ReportView />;
  else if (view === 'calls' && path[1]) main = <CallView id={path[1]} />;
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">synthcall console</span>
        <nav aria-label="Views">
          {VIEWS.map((v) => (
            <a key={v.id} href={`#/${v.id}`} aria-current={view === v.id ? 'page' : undefined}>
              {v.label}
            </a>
          ))}
        </nav>
        <span class="synthetic" title="Every person, number and line here was generated">
          synthetic data
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {main}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);

import { useRef } from 'preact/hooks';

/**
 * The report `synthcall report` writes, rendered by the same code for this dataset: its figures and charts stay one
 * implementation. It holds no script; the frame only grows to its height.
 */
export function ReportView() {
  const frame = useRef<HTMLIFrameElement>(null);
  const fit = () => {
    const doc = frame.current?.contentDocument;
    if (frame.current && doc) frame.current.style.height = `${doc.documentElement.scrollHeight + 20}px`;
  };
  return (
    <section aria-labelledby="report-h">
      <h1 id="report-h">Report</h1>
      <p class="muted">
        Label fidelity of this dataset: what Voice Intelligence observed against the ground truth. The same
        report as <code>synthcall report DIR</code>.
      </p>
      <iframe
        ref={frame}
        class="report"
        src="/report.html"
        title="Label fidelity report"
        sandbox="allow-same-origin"
        onLoad={fit}
      />
    </section>
  );
}

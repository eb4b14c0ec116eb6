import type { Report } from './report.js';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const COLOURS: Record<string, string> = {
  recovered: '#2e7d32',
  'rollback-failed': '#c62828',
  'rollback-stuck': '#ef6c00',
};

const MAX_ROWS = 300;
const secs = (ms?: number) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

/**
 * The timeline chart: one row per followed rollback, the alarm → abort leg and the abort → end leg on
 * a shared time axis, coloured by the follow-up. Plain SVG inside the page, no script needed to draw.
 */
export function timelineSvg(r: Report): string {
  const rows = r.timelines.slice(-MAX_ROWS);
  const left = 260;
  const width = 1000;
  const rowH = 22;
  const top = 30;
  const height = top + Math.max(1, rows.length) * rowH + 20;
  const t0 = Date.parse(r.since);
  const t1 = Date.parse(r.until);
  const span = Math.max(1, t1 - t0);
  const x = (iso: string) => left + ((Date.parse(iso) - t0) / span) * (width - left - 20);
  const ticks = Array.from({ length: 5 }, (_, i) => t0 + (span * i) / 4)
    .map(
      (t, i) =>
        `<line x1="${x(new Date(t).toISOString()).toFixed(1)}" y1="${top - 8}" x2="${x(new Date(t).toISOString()).toFixed(1)}" y2="${height - 20}" stroke="#ddd"/>` +
        `<text x="${x(new Date(t).toISOString()).toFixed(1)}" y="${top - 12}" font-size="10" text-anchor="${i === 4 ? 'end' : 'middle'}">${esc(new Date(t).toISOString().slice(0, 16).replace('T', ' '))}</text>`,
    )
    .join('');
  const marks = rows
    .map((row, i) => {
      const y = top + i * rowH + rowH / 2;
      const t = row.timeline;
      const start = t.alarmFiredAt ?? t.receivedAt;
      const colour = COLOURS[row.outcome] ?? '#555';
      // A leg shorter than a pixel still shows: at least 2 px wide.
      const leg = (a: string, b: string, stroke: string, cls: string) => {
        const xa = x(a);
        const xb = Math.max(xa + 2, x(b));
        return `<line class="${cls}" x1="${xa.toFixed(1)}" y1="${y}" x2="${xb.toFixed(1)}" y2="${y}" stroke="${stroke}" stroke-width="6" stroke-linecap="round"/>`;
      };
      const title = `${row.appId} ${row.changeOrderId ?? ''}: ${row.outcome}; abort after ${secs(t.timeToAbortMs)}, recovered after ${secs(t.timeToRecoverMs)}`;
      return (
        `<g class="rollback" data-outcome="${esc(row.outcome)}"><title>${esc(title)}</title>` +
        `<text x="${left - 8}" y="${y + 4}" font-size="11" text-anchor="end">${esc(row.appId.slice(0, 36))}</text>` +
        leg(start, t.abortSentAt, '#f9a825', 'to-abort') +
        leg(t.abortSentAt, t.endedAt, colour, 'to-end') +
        `<circle cx="${x(t.abortSentAt).toFixed(1)}" cy="${y}" r="4" fill="#000"/></g>`
      );
    })
    .join('');
  return (
    `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Rollback timeline">` +
    `${ticks}${marks}${rows.length === 0 ? `<text x="${left}" y="${top + 14}" font-size="12">No followed rollbacks in this window.</text>` : ''}</svg>`
  );
}

/** One self-contained page (no external resource): the per-app table, the failures and the timeline. */
export function reportHtml(r: Report): string {
  const table = r.apps
    .map(
      (a) =>
        `<tr><td>${esc(a.appId)}</td><td>${a.rollbacks}</td><td>${esc(
          Object.entries(a.outcomes)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        )}</td>` +
        `<td>${esc(
          Object.entries(a.reasons)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || '–',
        )}</td>` +
        `<td>${secs(a.timeToAbortMs.p50)} / ${secs(a.timeToAbortMs.p95)}</td><td>${secs(a.timeToRecoverMs.p50)} / ${secs(a.timeToRecoverMs.p95)}</td></tr>`,
    )
    .join('');
  const failures = r.apps
    .flatMap((a) => a.failures.map((f) => ({ ...f, appId: a.appId })))
    .map(
      (f) =>
        `<li><b>${esc(f.outcome)}</b> ${esc(f.at)} ${esc(f.appId)} ${esc(f.changeOrderId ?? '')}: ${esc(f.summary ?? '')}</li>`,
    )
    .join('');
  // The script only checks, in the browser, that the chart has geometry; the page reads fine without it.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sae-rollback report</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f4f4f4}</style>
</head><body>
<h1>sae-rollback report</h1>
<p>${esc(r.since)} – ${esc(r.until)}</p>
<table><thead><tr><th>app</th><th>rollbacks</th><th>outcomes</th><th>reasons</th><th>time to abort p50 / p95</th><th>time to recover p50 / p95</th></tr></thead><tbody>${table}</tbody></table>
<h2>Failures</h2>${failures ? `<ul>${failures}</ul>` : '<p>None.</p>'}
<h2>Timeline</h2>
<p>Yellow: alarm → abort. Then green: recovered, red: rollback failed, orange: stuck.</p>
${timelineSvg(r)}
<script>
const drawn = [...document.querySelectorAll('#timeline line.to-end')].filter((l) => l.getBBox().width > 0).length;
document.body.dataset.drawn = String(drawn);
</script>
</body></html>
`;
}

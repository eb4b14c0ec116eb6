/** The bench's two pictures as standalone SVG: the storm against SAE's limit, and the cold starts. */

const W = 720;
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Calls in the sliding window ending at each step, from call arrival offsets (ms). */
export function slidingCounts(offsets: readonly number[], windowMs: number, endMs: number, steps = 120) {
  const t = [...offsets].sort((a, b) => a - b);
  return Array.from({ length: steps + 1 }, (_, i) => {
    const at = (endMs * i) / steps;
    return { at, calls: t.filter((x) => x <= at && x > at - windowMs).length };
  });
}

export interface StormSeries {
  label: string;
  color: string;
  offsetsMs: readonly number[];
}

/** SAE calls in any window, over the storm, ours and the baseline's, with SAE's limit and our budget. */
export function stormSvg(o: {
  series: StormSeries[];
  windowMs: number;
  saeLimit: number;
  budget: number;
  title: string;
}): string {
  const H = 300;
  const pad = { l: 56, r: 16, t: 36, b: 40 };
  const end = Math.max(o.windowMs * 2, ...o.series.flatMap((s) => s.offsetsMs)) * 1.02;
  const curves = o.series.map((s) => ({ ...s, points: slidingCounts(s.offsetsMs, o.windowMs, end) }));
  const top = Math.max(o.saeLimit, o.budget, ...curves.flatMap((c) => c.points.map((p) => p.calls))) * 1.1;
  // A log scale: ours (tens) and the baseline's (a thousand) both stay readable.
  const ly = (v: number) => Math.log10(1 + v) / Math.log10(1 + top);
  const x = (ms: number) => pad.l + ((W - pad.l - pad.r) * ms) / end;
  const y = (v: number) => H - pad.b - (H - pad.t - pad.b) * ly(v);
  const ticks = [1, 10, 50, 100, 1000].filter((v) => v <= top);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT}>`,
    `<title>${esc(o.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${pad.l}" y="20" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
    ...ticks.map(
      (v) =>
        `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
    ),
    `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(o.saeLimit)}" y2="${y(o.saeLimit)}" stroke="#d33" stroke-dasharray="6 4"/>`,
    `<text x="${W - pad.r}" y="${y(o.saeLimit) - 5}" text-anchor="end" fill="#d33">SAE limit ${o.saeLimit} per window</text>`,
    `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(o.budget)}" y2="${y(o.budget)}" stroke="#888" stroke-dasharray="2 3"/>`,
    `<text x="${W - pad.r}" y="${y(o.budget) + 14}" text-anchor="end" fill="#666">our budget ${o.budget}</text>`,
    ...curves.map(
      (c) =>
        `<polyline fill="none" stroke="${c.color}" stroke-width="2" points="${c.points.map((p) => `${x(p.at).toFixed(1)},${y(p.calls).toFixed(1)}`).join(' ')}"/>`,
    ),
    ...curves.map(
      (c, i) =>
        `<rect x="${pad.l + 10 + i * 220}" y="${pad.t - 2}" width="12" height="3" fill="${c.color}"/><text x="${pad.l + 28 + i * 220}" y="${pad.t + 3}">${esc(c.label)}</text>`,
    ),
    `<text x="${(W + pad.l) / 2}" y="${H - 8}" text-anchor="middle">time since the storm began (ms); y: SAE calls in the preceding ${o.windowMs} ms window (log scale)</text>`,
    '</svg>',
  ];
  return `${out.join('\n')}\n`;
}

export interface Bar {
  label: string;
  ms: number;
  color: string;
}

/** Horizontal bars of median wall times (ms). */
export function barsSvg(title: string, bars: readonly Bar[], note = ''): string {
  const rowH = 26;
  const pad = { l: 250, r: 70, t: 36, b: note ? 32 : 12 };
  const H = pad.t + bars.length * rowH + pad.b;
  const max = Math.max(1, ...bars.map((b) => b.ms));
  const w = (ms: number) => ((W - pad.l - pad.r) * ms) / max;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT}>`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="12" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...bars.map((b, i) => {
      const top = pad.t + i * rowH;
      return (
        `<text x="${pad.l - 8}" y="${top + 15}" text-anchor="end">${esc(b.label)}</text>` +
        `<rect x="${pad.l}" y="${top + 3}" width="${w(b.ms).toFixed(1)}" height="${rowH - 8}" fill="${b.color}"/>` +
        `<text x="${pad.l + w(b.ms) + 6}" y="${top + 15}">${b.ms.toFixed(0)} ms</text>`
      );
    }),
    note ? `<text x="12" y="${H - 10}" fill="#555">${esc(note)}</text>` : '',
    '</svg>',
  ];
  return `${out.filter(Boolean).join('\n')}\n`;
}

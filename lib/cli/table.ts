/** Left-aligned columns separated by two spaces; the header row is upper-cased. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header.map((h) => h.toUpperCase()), ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `key  value` lines with the keys padded to one width. */
export function fields(pairs: ReadonlyArray<readonly [string, string | undefined]>): string {
  const shown = pairs.filter((p): p is readonly [string, string] => p[1] !== undefined && p[1] !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

/**
 * SAE change-order times (`CreateTime`, `FinishTime`) come as `yyyy-MM-dd HH:mm:ss` without a zone;
 * SAE is operated from China and its samples read like Beijing time, so they are read as UTC+8 (the
 * emulator writes them the same way). Epoch milliseconds and ISO 8601 with a zone are read as such.
 */
export function parseSaeTime(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const s = raw.trim();
  if (/^\d{12,14}$/.test(s)) return Number(s);
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(s);
  const ms = local ? Date.parse(`${local[1]}T${local[2]}${local[3] ?? ''}+08:00`) : Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

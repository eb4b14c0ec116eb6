import { idProblem } from '../ids.js';

/** Every spelling of the two keys we recognise, in the order they are looked for. */
export const CHANGE_ORDER_KEYS = ['changeOrderId', 'ChangeOrderId', 'change_order_id'] as const;
export const APP_KEYS = ['appId', 'AppId', 'app_id'] as const;

export function hasIdKey(o: Record<string, unknown>): boolean {
  return [...CHANGE_ORDER_KEYS, ...APP_KEYS].some((k) => k in o);
}

export interface PickedIds {
  changeOrderId?: string;
  appId?: string;
  /** What was wrong with an ID that was given (wrong type, bad characters, conflicting spellings). */
  problems: string[];
}

/** One place to look for IDs: an object and how to name it in a reason (e.g. `data`, `labels`). */
export interface IdPlace {
  where: string;
  from: Record<string, unknown> | undefined;
  /** Look for the app under these keys instead (e.g. `resourceId`), and for no change order here. */
  appKeys?: readonly string[];
}

/**
 * Finds the change order and app IDs in the first place that has each, in any accepted spelling
 * (`names`; default {@link APP_KEYS} / {@link CHANGE_ORDER_KEYS}), validating them. Absent values, `""` and the literal `"null"` (CloudMonitor) count as not given.
 */
export function pickIds(
  places: IdPlace[],
  names: { appId: readonly string[]; changeOrderId: readonly string[] } = {
    appId: APP_KEYS,
    changeOrderId: CHANGE_ORDER_KEYS,
  },
): PickedIds {
  const out: PickedIds = { problems: [] };
  const co = pickOne(places, (p) => (p.appKeys ? [] : names.changeOrderId), 'change order ID', out.problems);
  const app = pickOne(places, (p) => p.appKeys ?? names.appId, 'app ID', out.problems);
  if (co) out.changeOrderId = co;
  if (app) out.appId = app;
  return out;
}

function pickOne(
  places: IdPlace[],
  keysOf: (p: IdPlace) => readonly string[],
  what: string,
  problems: string[],
): string | undefined {
  for (const p of places) {
    if (!p.from) continue;
    const names = keysOf(p);
    const found = names.filter((k) => {
      const v = p.from?.[k];
      return v !== undefined && v !== null && v !== '' && v !== 'null';
    });
    if (found.length === 0) continue;
    const values = new Map<string, string>();
    for (const k of found) {
      const v = p.from[k];
      const name = p.where ? `${p.where}.${k}` : k;
      if (typeof v !== 'string') {
        problems.push(`${name} must be a string, not ${Array.isArray(v) ? 'an array' : typeof v}`);
        return undefined;
      }
      const problem = idProblem(v);
      if (problem) {
        problems.push(`${name}: the ${what} is not valid: ${problem}`);
        return undefined;
      }
      values.set(v, name);
    }
    if (values.size > 1) {
      problems.push(`${[...values.values()].join(' and ')} name different ${what}s; send one`);
      return undefined;
    }
    return [...values.keys()][0];
  }
  return undefined;
}

/** The record's verdict from picked IDs: a rejection reason, or undefined when there is a target. */
export function idVerdict(ids: PickedIds, where: string, hint: string): string | undefined {
  if (ids.problems.length > 0) return `${ids.problems.join('; ')} (${where}). ${hint}`;
  if (!ids.changeOrderId && !ids.appId) return `No change order ID or app ID ${where}. ${hint}`;
  return undefined;
}

/** Why a record with these IDs is actionable, in words. */
export function targetWords(ids: PickedIds): string {
  return ids.changeOrderId
    ? `names change order ${ids.changeOrderId}${ids.appId ? ` of app ${ids.appId}` : ''}`
    : `names app ${ids.appId}; its running change order will be looked up`;
}

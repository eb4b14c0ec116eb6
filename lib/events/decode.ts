import { ID_PATTERN } from '../ids.js';
import { MAX_JSON_NESTING } from './types.js';

/** A decoding step's result: the value, or why it failed (what and where, never the raw input). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 (no replacement characters smuggled in); a leading BOM is dropped. */
export function utf8Text(bytes: Uint8Array, what: string): Decoded<string> {
  try {
    return { ok: true, value: utf8.decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return { ok: false, reason: `${what} is not valid UTF-8 text; send UTF-8 JSON or text.` };
  }
}

/** True when the text (trimmed) starts like a JSON object or array. */
export function looksLikeJson(text: string): boolean {
  return /^\s*[[{]/.test(text);
}

/**
 * Nesting depth of JSON text, counted before parsing so that nothing later walks a pathological
 * structure. Stops counting once past `limit`.
 */
function jsonNesting(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** JSON.parse with a nesting limit and a reason that says where. */
export function parseJson(text: string, what: string): Decoded<unknown> {
  if (jsonNesting(text, MAX_JSON_NESTING) > MAX_JSON_NESTING) {
    return {
      ok: false,
      reason: `${what} is JSON nested more than ${MAX_JSON_NESTING} levels deep; no supported event is.`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: `${what} is not valid JSON (${(err as Error).message}).` };
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Base64 text that decodes to printable UTF-8, or undefined. Deliberately strict (standard alphabet,
 * sane length, no control characters in the result): a plain ID or word must not be mistaken for it.
 * Callers still check that the result is something they understand before using it.
 */
export function fromBase64(text: string): string | undefined {
  const compact = text.replace(/\r?\n/g, '');
  if (compact.length < 8 || compact.length % 4 === 1 || !BASE64.test(compact)) return undefined;
  if (compact.includes('=') && compact.length % 4 !== 0) return undefined;
  const decoded = utf8Text(Buffer.from(compact, 'base64'), 'Base64 content');
  if (!decoded.ok) return undefined;
  // Printable text only (tabs and newlines allowed): binary that happens to be valid UTF-8 is not text.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(decoded.value)) return undefined;
  return decoded.value;
}

/** True for a bare SAE ID (used to refuse decoding one ID-looking string into another). */
export function isBareId(text: string): boolean {
  return ID_PATTERN.test(text);
}

/** Form-urlencoded text as a plain object (last value wins), or undefined when it is not a form. */
export function parseForm(text: string): Record<string, string> | undefined {
  if (!text.includes('=') || /^\s*[[{]/.test(text)) return undefined;
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of new URLSearchParams(text.trim())) {
    const key = k.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(key)) return undefined;
    pairs.push([key, v.trim()]);
  }
  // fromEntries defines own properties: a `__proto__` key cannot reach the prototype.
  return pairs.length > 0 ? Object.fromEntries(pairs) : undefined;
}

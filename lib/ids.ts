import { z } from 'zod';

/**
 * IDs arrive from events anyone might be able to send and end up in URLs. SAE change-order and app IDs
 * are UUIDs, sometimes with a short prefix (`bbbbb-3fd370b2-…`): 8–64 characters of ASCII letters,
 * digits and `-`, and nothing else — so no `&`, `=`, `/`, `..`, `_`, space, CR/LF or unicode look-alike
 * can reach a request. The SAE client checks again with {@link isValidSaeId} before every call.
 */
export const ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;
export const ID_RULE = "8–64 characters of letters, digits and '-'";
const ID_EXAMPLE = 'ba386059-69b1-4e65-b1e5-0682d9fa1234';

/**
 * Why `value` is not a valid SAE ID, pinpointing the problem without echoing the (untrusted) value;
 * undefined when it is valid.
 */
export function idProblem(value: string): string | undefined {
  if (ID_PATTERN.test(value)) return undefined;
  const chars = [...value];
  if (chars.length < 8) return `it is ${chars.length} characters long; an SAE ID has ${ID_RULE}`;
  if (chars.length > 64) return `it is ${chars.length} characters long; an SAE ID has ${ID_RULE}`;
  // Each element is one code point: a surrogate pair never matches the (ASCII) class.
  const at = chars.findIndex((c) => /[^A-Za-z0-9-]/.test(c));
  return `it contains ${JSON.stringify(chars[at])} at position ${at + 1}; an SAE ID has ${ID_RULE}`;
}

const idSchema = (what: string) =>
  z.string().superRefine((v, ctx) => {
    const problem = idProblem(v);
    if (problem)
      ctx.addIssue({ code: 'custom', message: `${what} is not valid: ${problem} (e.g. ${ID_EXAMPLE})` });
  });

export const changeOrderIdSchema = idSchema('change order ID');
export const appIdSchema = idSchema('app ID');

/** True when `value` is safe to put in a query string as an SAE ID. */
export function isValidSaeId(value: string): boolean {
  return ID_PATTERN.test(value);
}

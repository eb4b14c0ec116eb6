import { z } from 'zod';

/**
 * IDs arrive from events anyone might be able to send and end up in URLs. SAE change-order and app IDs
 * are UUIDs, sometimes with a short prefix (`bbbbb-3fd370b2-…`); allow exactly letters, digits, `-` and
 * `_`, so nothing like `&`, `=`, `/`, `..`, CR/LF or a unicode look-alike can reach a request.
 */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

const idSchema = (what: string) =>
  z
    .string()
    .trim()
    .regex(ID_PATTERN, {
      message: `${what} must be 1–128 characters of letters, digits, '-' or '_' (an SAE ${what} looks like ba386059-69b1-4e65-b1e5-0682d9fa1234)`,
    });

export const changeOrderIdSchema = idSchema('change order ID');
export const appIdSchema = idSchema('app ID');

/** True when `value` is safe to put in a query string as an SAE ID. */
export function isValidSaeId(value: string): boolean {
  return ID_PATTERN.test(value);
}

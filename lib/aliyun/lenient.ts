import { z } from 'zod';

/**
 * Schemas for POP answers (SAE, CloudMonitor), lenient where the services are inconsistent in practice:
 * nulls or empty strings for absent text, numbers sent as strings.
 */

/** Text, or undefined for null, absent or `''`. */
export const optionalString = z
  .string()
  .nullish()
  .transform((v) => (v ? v : undefined));

/** An integer sent as a number or as a string of digits. */
export const numberish = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);

import { z } from 'zod';

/** A comma-separated environment variable (spaces allowed) as a list; empty items are dropped. */
export const commaSeparated = (defaultValue = '') =>
  z
    .string()
    .default(defaultValue)
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );

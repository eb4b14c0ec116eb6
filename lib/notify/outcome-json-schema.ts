/**
 * The outcome document as a JSON Schema (draft 2020-12), generated from the zod schema so the two cannot
 * disagree. Committed as `schema/outcome.v2.json` for consumers of the MNS topic and the webhook; a test fails
 * when the committed file drifts from the zod schema (regenerate with `tsx bin/export-schema.ts`).
 */
import { z } from 'zod';
import { outcomeSchema } from '../rollback/outcome.js';

/** Where the committed schema lives, relative to the repository root. */
export const OUTCOME_SCHEMA_FILE = 'schema/outcome.v2.json';

/** The JSON Schema of the current outcome document (`schemaVersion` 1 or 2; `schema/outcome.v1.json` is the frozen v1 document). */
export function outcomeJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(outcomeSchema);
  return {
    $schema,
    title: 'sae-rollback outcome',
    description:
      'What sae-rollback decided and did about one alarm or event; published on MNS, DingTalk and the webhook. ' +
      'Consumers check schemaVersion and deduplicate on messageId.',
    ...rest,
  };
}

/** The file's exact text: two-space JSON and a final newline. */
export function outcomeJsonSchemaText(): string {
  return `${JSON.stringify(outcomeJsonSchema(), null, 2)}\n`;
}

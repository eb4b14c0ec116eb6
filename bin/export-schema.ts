/**
 * Writes `schema/outcome.v2.json` from the zod outcome schema, formatted the way Biome formats JSON (so
 * `npm run lint` stays clean). With `--check`, writes nothing and exits 1 when the committed file says something
 * different (whitespace aside). Usage: `tsx bin/export-schema.ts [--check]`.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import {
  OUTCOME_SCHEMA_FILE,
  outcomeJsonSchema,
  outcomeJsonSchemaText,
} from '../lib/notify/outcome-json-schema.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = fileURLToPath(new URL(`../${OUTCOME_SCHEMA_FILE}`, import.meta.url));

if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => 'null');
  if (!isDeepStrictEqual(JSON.parse(committed), outcomeJsonSchema())) {
    process.stderr.write(`${OUTCOME_SCHEMA_FILE} is out of date: run tsx bin/export-schema.ts\n`);
    process.exit(1);
  }
  process.stdout.write(`${OUTCOME_SCHEMA_FILE} is up to date\n`);
} else {
  await writeFile(target, biomeFormatted(outcomeJsonSchemaText()));
  process.stdout.write(`wrote ${OUTCOME_SCHEMA_FILE}\n`);
}

/** Biome's formatting of `text`, or `text` unchanged when Biome cannot be run. */
function biomeFormatted(text: string): string {
  const biome = spawnSync(
    'npx',
    ['--no-install', 'biome', 'format', `--stdin-file-path=${OUTCOME_SCHEMA_FILE}`],
    {
      cwd: root,
      input: text,
      encoding: 'utf8',
    },
  );
  return biome.status === 0 && biome.stdout.trim() !== '' ? biome.stdout : text;
}

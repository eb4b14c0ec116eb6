/**
 * `npm run mutation`: Stryker (stryker.config.mjs) over each folder issue 15 holds to ≥ 80 %, one run per
 * folder, then the score per folder. Incremental: each folder keeps its results in
 * mutation/<folder>.incremental.json (committed), so a run re-tests only the mutants whose code or
 * covering tests changed. Not part of `npm test` (a full run takes long; an incremental one, minutes).
 *
 *   npm run mutation                        # every folder, incremental
 *   npm run mutation -- --only lib/auth     # one folder
 *   npm run mutation -- --summary mutation/SUMMARY.md   # also write the table (committed on purpose)
 *   npm run mutation -- --only lib/events --file lib/events/keys.ts   # some files of one folder
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Stryker } from '@stryker-mutator/core';
import { type FolderScore, hasCode, scoreOf } from '../lib/dev/mutation-score.js';
import loadedConfig, { FOLDER_TESTS, MUTATED_FOLDERS } from '../stryker.config.mjs';

// Stryker reads stryker.config.mjs itself — the same module object as this import — and merges each
// run's options into it in place, so a second folder's run (`--only a --only b`) crashed in its config
// merge. Each run gets a fresh copy of the options as they were before any run.
const pristine = structuredClone(loadedConfig);

const HELP = `Usage: npm run mutation -- [options]

Runs Stryker (stryker.config.mjs) over each of ${MUTATED_FOLDERS.join(', ')}
and prints the mutation score per folder; exits 1 if any folder is under the threshold.

Options:
  --only <folder>     only this folder (repeatable)
  --file <path>       with one --only: mutate only this file of the folder (repeatable);
                      its results replace that file's in the folder's incremental file, the
                      other files' results are kept, and the score printed is the folder's
  --full              ignore the incremental files (re-test every mutant)
  --concurrency <n>   test-runner processes (default: stryker.config.mjs's); 1 leaves a core free
  --report-only       run nothing: the scores the committed incremental files record
  --summary <file>    also write the table as Markdown to <file>
  --threshold <pct>   minimum score per folder (0–100, default 80)
  -h, --help          this text
`;

type Row = FolderScore & { note?: string };

const meets = (r: Row, threshold: number): boolean => r.note === undefined && r.score >= threshold;

function table(rows: Row[], threshold: number): string {
  const lines = [
    `| folder | score | killed | survived | no coverage | ignored | ≥ ${threshold} % |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const met = meets(r, threshold) ? 'met' : `**not met**${r.note ? ` (${r.note})` : ''}`;
    lines.push(
      `| ${r.folder} | ${r.score.toFixed(1)} % | ${r.killed} | ${r.survived} | ${r.noCoverage} | ${r.ignored} | ${met} |`,
    );
  }
  return lines.join('\n');
}

const slug = (folder: string): string =>
  folder
    .replace(/^lib\//, '')
    .replace(/\.ts$/, '')
    .replace(/\//g, '-');

/**
 * The folder's scores as its committed incremental file last recorded them (no Stryker run): what a
 * fresh clone can print in a second. A folder never run, or run on only some of its files, says so.
 */
function recordedScore(folder: string): Row {
  const file = `mutation/${slug(folder)}.incremental.json`;
  if (!existsSync(file)) return { ...scoreOf(folder, []), note: `never run (${file} missing)` };
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    files: Record<string, { mutants: { status: string }[] }>;
  };
  const files = Object.keys(report.files);
  const row = scoreOf(
    folder,
    Object.values(report.files).flatMap((f) => f.mutants.map((m) => m.status)),
  );
  const all = folder.endsWith('.ts')
    ? 1
    : readdirSync(folder, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.ts'))
        // A file of types and constants only has no mutants to record.
        .filter((f) => hasCode(readFileSync(`${folder}/${f}`, 'utf8'))).length;
  return files.length < all ? { ...row, note: `${files.length} of ${all} files mutated so far` } : row;
}

type Report = { files: Record<string, unknown>; testFiles?: Record<string, unknown> };

async function mutateFolder(
  folder: string,
  full: boolean,
  files: string[],
  concurrency: number | undefined,
): Promise<Row> {
  const incrementalFile = `mutation/${slug(folder)}.incremental.json`;
  // Stryker writes the incremental file with only the files it mutated: keep the others' results.
  const before: Report | undefined =
    files.length > 0 && existsSync(incrementalFile)
      ? (JSON.parse(readFileSync(incrementalFile, 'utf8')) as Report)
      : undefined;
  // Read by vitest.mutation.config.ts in Stryker's test-runner processes, which inherit the environment.
  process.env.MUTATION_TESTS = JSON.stringify(FOLDER_TESTS[folder] ?? []);
  const results = await new Stryker({
    ...structuredClone(pristine),
    mutate: files.length > 0 ? files : [folder.endsWith('.ts') ? folder : `${folder}/**/*.ts`],
    incrementalFile,
    jsonReporter: { fileName: `reports/mutation/${slug(folder)}.json` },
    force: full,
    ...(concurrency === undefined ? {} : { concurrency }),
  }).runMutationTest();
  if (files.length === 0)
    return scoreOf(
      folder,
      results.map((r) => r.status),
    );
  const after = JSON.parse(readFileSync(incrementalFile, 'utf8')) as Report;
  const merged: Report = {
    ...after,
    files: { ...before?.files, ...after.files },
    testFiles: { ...before?.testFiles, ...after.testFiles },
  };
  writeFileSync(incrementalFile, `${JSON.stringify(merged, null, 2)}\n`);
  return recordedScore(folder);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true },
      file: { type: 'string', multiple: true },
      full: { type: 'boolean', default: false },
      'report-only': { type: 'boolean', default: false },
      summary: { type: 'string' },
      threshold: { type: 'string', default: '80' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const threshold = Number(values.threshold);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
    process.stderr.write(
      `--threshold must be a number from 0 to 100 (got ${values.threshold}); default 80\n`,
    );
    return 2;
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    process.stderr.write(`--concurrency must be a whole number ≥ 1 (got ${values.concurrency})\n`);
    return 2;
  }
  const only = values.only ?? [];
  const unknown = only.filter((f) => !MUTATED_FOLDERS.includes(f));
  if (unknown.length > 0) {
    process.stderr.write(
      `--only ${unknown.join(', ')}: not a mutated folder; one of ${MUTATED_FOLDERS.join(', ')}\n`,
    );
    return 2;
  }
  const files = values.file ?? [];
  const foreign = files.filter((f) => only.length !== 1 || !f.startsWith(`${only[0]}/`));
  if (foreign.length > 0) {
    process.stderr.write(
      `--file ${foreign.join(', ')}: --file needs exactly one --only folder and files inside it\n`,
    );
    return 2;
  }
  mkdirSync('mutation', { recursive: true });
  const rows: Row[] = [];
  for (const folder of only.length > 0 ? only : MUTATED_FOLDERS)
    rows.push(
      values['report-only']
        ? recordedScore(folder)
        : await mutateFolder(folder, values.full, files, concurrency),
    );
  const text = table(rows, threshold);
  process.stdout.write(`\n${text}\n`);
  if (values.summary) writeFileSync(values.summary, `# Mutation scores (\`npm run mutation\`)\n\n${text}\n`);
  return rows.every((r) => meets(r, threshold)) ? 0 : 1;
}

process.exitCode = await main();

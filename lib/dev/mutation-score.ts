/** One folder's mutation score, from the statuses of its mutants (bin/mutation.ts prints them). */
/** Stryker's own definition: detected ÷ (detected + undetected); compile errors and ignored left out. */
const DETECTED = new Set(['Killed', 'Timeout']);

export interface FolderScore {
  folder: string;
  killed: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  score: number;
}

/** Stryker's score: killed or timed out ÷ those plus survived and not covered; the rest don't count. */
export function scoreOf(folder: string, statuses: readonly string[]): FolderScore {
  const row = { folder, killed: 0, survived: 0, noCoverage: 0, ignored: 0, score: 100 };
  for (const s of statuses) {
    if (DETECTED.has(s)) row.killed += 1;
    else if (s === 'Survived') row.survived += 1;
    else if (s === 'NoCoverage') row.noCoverage += 1;
    else row.ignored += 1;
  }
  const valid = row.killed + row.survived + row.noCoverage;
  row.score = valid === 0 ? 100 : Math.floor((row.killed / valid) * 1000) / 10;
  return row;
}

/**
 * Whether a source file can have mutants at all: it has a function, a class or an arrow outside its
 * comments. A file of types and constants has none, so a folder's record is complete without it. A comment
 * such as "the function timeout" must not count (lib/rollback/types.ts kept the folder "not met").
 */
export function hasCode(source: string): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return /\bfunction\b|\bclass\s+\w|=>/.test(code);
}

import { describe, expect, it } from 'vitest';
import { hasCode, scoreOf } from '../../lib/dev/mutation-score.js';

describe('mutation score per folder (npm run mutation)', () => {
  it('counts killed and timed-out mutants as detected, survived and uncovered as not, the rest not at all', () => {
    const row = scoreOf('lib/x', [
      'Killed',
      'Killed',
      'Timeout',
      'Survived',
      'NoCoverage',
      'CompileError',
      'Ignored',
    ]);
    expect(row).toEqual({ folder: 'lib/x', killed: 3, survived: 1, noCoverage: 1, ignored: 2, score: 60 });
  });

  it('rounds down to one decimal, so 79.99 % never reads as 80 %', () => {
    const statuses = [...Array(7999).fill('Killed'), ...Array(2001).fill('Survived')];
    expect(scoreOf('lib/x', statuses).score).toBe(79.9);
  });

  it('a folder with no valid mutants scores 100 (nothing to detect)', () => {
    expect(scoreOf('lib/x', ['Ignored']).score).toBe(100);
  });

  it('a file of types whose comments say "function" has no code to mutate; a function or arrow is code', () => {
    const types =
      '/** Epoch ms (FC: start + function timeout). */\nexport interface T {\n  // a class of thing\n  at: number;\n}\n';
    expect(hasCode(types)).toBe(false);
    expect(hasCode('export const f = (x: number) => x + 1;\n')).toBe(true);
    expect(hasCode('export function g(): void {}\n')).toBe(true);
    expect(hasCode('export class C {}\n')).toBe(true);
    expect(hasCode("const url = 'https://example.com'; export const h = () => url;\n")).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { appIdSchema, changeOrderIdSchema, idProblem } from '../lib/ids.js';

const CO = 'ba386059-69b1-4e65-b1e5-0682d9fa1234';

/** The first issue's message when `schema` refuses `value`; undefined when it accepts it. */
const refusal = (schema: typeof appIdSchema, value: string): string | undefined => {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues.map((i) => i.message).join('; ');
};

describe('idProblem: why an ID is refused, without echoing it', () => {
  it('points at a bad character even in an ID of the shortest and longest allowed length', () => {
    expect(idProblem('abcdefg_')).toBe(
      `it contains "_" at position 8; an SAE ID has 8–64 characters of letters, digits and '-'`,
    );
    expect(idProblem(`${'a'.repeat(63)}/`)).toMatch(/^it contains "\/" at position 64;/);
  });

  it('names the length only when the length is what is wrong', () => {
    expect(idProblem('abc-123')).toMatch(/^it is 7 characters long;/);
    expect(idProblem('a'.repeat(65))).toMatch(/^it is 65 characters long;/);
    // Characters, not UTF-16 units: four emoji are four characters (and too few).
    expect(idProblem('😀😀😀😀')).toMatch(/^it is 4 characters long;/);
  });

  it('has nothing to say about a valid ID', () => {
    expect(idProblem(CO)).toBeUndefined();
    expect(idProblem('a'.repeat(8))).toBeUndefined();
    expect(idProblem('Z'.repeat(64))).toBeUndefined();
  });
});

describe('the ID schemas the CLI checks its arguments with', () => {
  it('accept a valid ID unchanged', () => {
    expect(changeOrderIdSchema.parse(CO)).toBe(CO);
    expect(appIdSchema.parse(CO)).toBe(CO);
  });

  it('refuse an invalid one naming what it is, the problem and an example — not the value', () => {
    const hostile = `${CO}&RegionId=cn-beijing`;
    const co = refusal(changeOrderIdSchema, hostile);
    expect(co).toBe(
      `change order ID is not valid: it contains "&" at position 37; an SAE ID has 8–64 characters of letters, digits and '-' (e.g. ${CO})`,
    );
    expect(refusal(appIdSchema, 'short')).toMatch(/^app ID is not valid: it is 5 characters long;/);
    expect(co).not.toContain('RegionId');
  });
});

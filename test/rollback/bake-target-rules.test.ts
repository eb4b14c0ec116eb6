// bakeTarget's rules over fake SAE answers: the cases the emulator does not produce on its own.
import { describe, expect, it } from 'vitest';
import { bakeTarget } from '../../lib/rollback/bake-target.js';
import type { AppVersion } from '../../lib/sae/app-types.js';
import type { ChangeOrderSummary } from '../../lib/sae/types.js';
import { co, ver } from '../helpers/change-orders.js';

const T0 = Date.parse('2026-11-29T03:00:00Z');
const MIN = 60_000;

function sources(
  orders: ChangeOrderSummary[],
  versions: AppVersion[],
  remembered: Record<string, string> = {},
) {
  const pages: number[] = [];
  return {
    pages,
    src: {
      appId: 'app-1',
      releaseId: 'release',
      listChangeOrders: async (q: { currentPage?: number; pageSize?: number }) => {
        const page = q.currentPage ?? 1;
        const size = q.pageSize ?? 20;
        pages.push(page);
        const changeOrders = orders.slice((page - 1) * size, page * size);
        return { currentPage: page, pageSize: size, totalSize: orders.length, changeOrders };
      },
      listAppVersions: async () => versions,
      remembered: async (id: string) => remembered[id],
    },
  };
}

describe('bakeTarget', () => {
  const release = co('release', T0, 'CoDeploy');
  const good = co('good', T0 - 60 * MIN, 'CoDeploy');
  const versions = [ver('v-release', T0 + 500), ver('v-good', T0 - 60 * MIN + 200)];

  it('finds the live version behind scale-outs and an aborted release, reading more pages as needed', async () => {
    const noise = Array.from({ length: 25 }, (_, i) => co(`scale-${i}`, T0 - (i + 1) * 1000, 'CoScaleOut'));
    const aborted = co('aborted', T0 - 30 * MIN, 'CoDeploy', 6);
    const { src, pages } = sources(
      [release, ...noise, aborted, good],
      [...versions, ver('v-aborted', T0 - 30 * MIN)],
    );
    const t = await bakeTarget(src);
    expect(t).toMatchObject({ ok: true, from: { versionId: 'v-release' }, to: { versionId: 'v-good' } });
    expect(pages).toEqual([1, 2]);
  });

  it('is not certain about a change order without a type, or one still running, before the release', async () => {
    for (const odd of [
      co('odd', T0 - 10 * MIN, undefined),
      co('odd', T0 - 10 * MIN, 'CoRestartApplication', 1),
    ]) {
      const t = await bakeTarget(sources([release, odd, good], versions).src);
      expect(t).toMatchObject({ ok: false, why: expect.stringMatching(/odd/) });
    }
  });

  it('is not certain when two version records match, or none does', async () => {
    const two = await bakeTarget(
      sources([release, good], [...versions, ver('v-twin', T0 - 60 * MIN + 5000)]).src,
    );
    const none = await bakeTarget(sources([release, good], [versions[0] as AppVersion]).src);
    expect(two).toMatchObject({ ok: false, why: expect.stringMatching(/2 versions/) });
    expect(none).toMatchObject({
      ok: false,
      why: expect.stringMatching(/no version created for CoDeploy good/),
    });
  });

  it("takes a remembered target for sae-rollback's own rollback, and refuses an operator's", async () => {
    const ours = co('ours', T0 - 20 * MIN, 'CoRollback');
    const mine = await bakeTarget(sources([release, ours, good], versions, { ours: 'v-good' }).src);
    const theirs = await bakeTarget(sources([release, ours, good], versions).src);
    expect(mine).toMatchObject({ ok: true, to: { versionId: 'v-good' } });
    expect(theirs).toMatchObject({ ok: false, why: expect.stringMatching(/CoRollback ours.*does not say/) });
  });

  it('gives up after three pages', async () => {
    const noise = Array.from({ length: 70 }, (_, i) => co(`scale-${i}`, T0 - (i + 1) * 1000, 'CoScaleOut'));
    const { src, pages } = sources([release, ...noise, good], versions);
    expect(await bakeTarget(src)).toMatchObject({
      ok: false,
      why: expect.stringMatching(/no earlier release/),
    });
    expect(pages).toEqual([1, 2, 3]);
  });
});

// The namespace listing behind the allowlist: every page of a big namespace is read (an app on the last
// page is still allowed), no more pages than needed, and never more than 5,000 apps.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { AppDirectory, type ListApps } from '../../lib/policy/namespaces.js';

function pagedSae(count: number, opts: { totalSize?: number; endless?: boolean } = {}) {
  const pages: number[] = [];
  const list: ListApps = async (q) => {
    const page = q.currentPage ?? 1;
    const size = q.pageSize ?? 100;
    pages.push(page);
    const from = (page - 1) * size;
    const n = opts.endless ? size : Math.max(0, Math.min(size, count - from));
    const applications = Array.from({ length: n }, (_, i) => ({ appId: `app-${from + i}` }));
    return { currentPage: page, pageSize: size, totalSize: opts.totalSize ?? count, applications };
  };
  return { pages, list };
}

const directory = (ttlMs?: number) => {
  const clock = new ManualClock();
  return { clock, dir: new AppDirectory({ store: new MemoryStore({ clock }), ...(ttlMs ? { ttlMs } : {}) }) };
};

describe('AppDirectory paging', () => {
  it('reads every page of a big namespace, and finds an app on the last one', async () => {
    const { dir } = directory();
    const sae = pagedSae(250);
    expect(await dir.findNamespace('app-249', ['ns:big'], sae.list)).toBe('ns:big');
    expect(sae.pages).toEqual([1, 2, 3]);
  });

  it('stops once totalSize apps are read, without asking for an empty page', async () => {
    const { dir } = directory();
    const sae = pagedSae(200);
    expect(await dir.appsIn('ns:even', sae.list)).toHaveLength(200);
    expect(sae.pages).toEqual([1, 2]);
  });

  it('stops at a short page even when totalSize claims more', async () => {
    const { dir } = directory();
    const sae = pagedSae(150, { totalSize: 1000 });
    expect(await dir.appsIn('ns:short', sae.list)).toHaveLength(150);
    expect(sae.pages).toEqual([1, 2]);
  });

  it('never reads more than 50 pages (5,000 apps), whatever SAE answers', async () => {
    const { dir } = directory();
    const sae = pagedSae(0, { totalSize: 1_000_000, endless: true });
    expect(await dir.appsIn('ns:huge', sae.list)).toHaveLength(5000);
    expect(sae.pages).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('labels listed apps with the namespace they were listed in', async () => {
    const { dir } = directory();
    const apps = await dir.appsIn('ns:x', pagedSae(2).list);
    expect(apps.map((a) => a.namespaceId)).toEqual(['ns:x', 'ns:x']);
  });

  it('keeps a listing for its TTL (default 5 min), then lists again', async () => {
    const short = directory(1000);
    const a = pagedSae(1);
    await short.dir.appsIn('ns:a', a.list);
    short.clock.advance(1001);
    await short.dir.appsIn('ns:a', a.list);
    expect(a.pages).toEqual([1, 1]);

    const dflt = directory();
    const b = pagedSae(1);
    await dflt.dir.appsIn('ns:b', b.list);
    dflt.clock.advance(4 * 60_000);
    await dflt.dir.appsIn('ns:b', b.list);
    expect(b.pages).toEqual([1]);
  });
});

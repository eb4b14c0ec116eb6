import { type GuardStack, newAppId } from './guard-stack.js';

const MIN = 60_000;

/** An app whose release to v3 ended (succeeded unless `status` says) `ago` ms ago; v1, v2 seeded with known IDs and their history. */
export function released(s: GuardStack, ago: number, opts: { status?: 2 | 3; batchCount?: number } = {}) {
  const appId = newAppId('bake');
  const ids = [`${appId}-ver1`, `${appId}-ver2`];
  s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'], versionIds: ids, history: true });
  const co = s.sae.startChangeOrder({
    appId,
    toVersion: 'v3',
    toVersionId: `${appId}-ver3`,
    batchCount: opts.batchCount ?? 2,
  });
  s.clock.advance(4 * MIN); // the release takes a while
  s.sae.finishChangeOrder(co, { status: opts.status ?? 2 });
  s.clock.advance(ago);
  return { appId, co, v2: `${appId}-ver2`, v3: `${appId}-ver3` };
}

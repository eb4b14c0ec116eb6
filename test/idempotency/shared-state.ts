import type { MemoryStore } from '../../lib/idempotency/memory-store.js';
import type { SharedState } from '../../lib/idempotency/store.js';

/** `store` seen only through the SharedState port, with some methods replaced (to race or count). */
export function sharedStateOf(store: MemoryStore, over: Partial<SharedState> = {}): SharedState {
  return {
    getValue: (k) => store.getValue(k),
    putValue: (k, v, t) => store.putValue(k, v, t),
    lease: (k, h, t) => store.lease(k, h, t),
    unlease: (k, h) => store.unlease(k, h),
    takeSlot: (k, m, c, w) => store.takeSlot(k, m, c, w),
    releaseSlot: (k, m) => store.releaseSlot(k, m),
    recordState: (k, s, w) => store.recordState(k, s, w),
    indexSet: (k, m, v) => store.indexSet(k, m, v),
    indexDelete: (k, m) => store.indexDelete(k, m),
    indexList: (k, l) => store.indexList(k, l),
    ...over,
  };
}

/**
 * A port whose adapter module is loaded on first use (a dynamic `import()`), so a cold start that never
 * needs it — the Redis store under the memory store, a channel nobody configured, the guard in an alarm
 * — does not pay for evaluating it. Only for ports whose methods are all async: a call before the load
 * finished just waits for it. `close()` before any use loads nothing. `loaded()` gives the adapter.
 */
export type Lazy<T> = T & { loaded(): Promise<T> };

export function lazyPort<T extends object>(load: () => Promise<T>, sync: Partial<T> = {}): Lazy<T> {
  let pending: Promise<T> | undefined;
  const target = () => {
    pending ??= load();
    return pending;
  };
  return new Proxy(sync as Lazy<T>, {
    get(own, name) {
      if (name === 'loaded') return target;
      // Not a thenable: `await port` must give the port, not call `then` on the adapter.
      if (name === 'then' || typeof name === 'symbol') return undefined;
      if (name in own) return (own as Record<string, unknown>)[name];
      if (name === 'close')
        return async () => {
          if (!pending) return;
          const t = (await pending) as { close?: () => Promise<void> };
          await t.close?.();
        };
      return async (...args: unknown[]) => {
        const t = (await target()) as Record<string, (...a: unknown[]) => unknown>;
        return t[name]?.(...args);
      };
    },
  });
}

/**
 * `build()` on the first call, the same value after. For zod schemas on paths a cold start may never
 * take: constructing a classic zod schema costs tens of µs per node, paid at module load otherwise.
 */
export function once<T>(build: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: build() };
    return made.value;
  };
}

/**
 * Runs tasks concurrently, at most `limit` at a time, while tasks sharing a key run one after another in
 * the order they were given. A task with several keys waits for the last earlier task of each; since it
 * only ever waits for earlier tasks, there is no cycle and no deadlock.
 */
export async function runKeyed<T>(
  tasks: ReadonlyArray<{ keys: readonly string[]; run: () => Promise<T> }>,
  limit: number,
): Promise<T[]> {
  const last = new Map<string, Promise<unknown>>();
  let active = 0;
  const queue: Array<() => void> = [];
  const slot = async () => {
    if (active < limit) {
      active++;
      return;
    }
    // The releasing task hands its slot over directly (`active` stays the same).
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const free = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  const started = tasks.map(({ keys, run }) => {
    const before = [...new Set(keys)].map((k) => last.get(k)).filter((p) => p !== undefined);
    const p = (async () => {
      // An earlier task's failure is its own (reported by its promise), not a reason to skip this one.
      await Promise.allSettled(before);
      await slot();
      try {
        return await run();
      } finally {
        free();
      }
    })();
    for (const k of keys) last.set(k, p);
    return p;
  });
  return Promise.all(started);
}

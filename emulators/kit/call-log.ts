/** What an emulator was asked, oldest first: tests assert on it; readers get copies. */
export class CallLog<T extends object> {
  #entries: T[] = [];

  push(entry: T): void {
    this.#entries.push(entry);
  }

  /** Shallow copies, oldest first. */
  list(): T[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  clear(): void {
    this.#entries = [];
  }
}

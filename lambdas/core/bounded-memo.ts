// A pure function's answers remembered, in bounded memory: the row path asks the same questions over
// and over (a patient's pseudonym on each of their visits, the vocabulary term of "Follow-up" on every
// other row), and each answer costs microseconds. When `capacity` answers are held the memory starts
// afresh: an answer is only computed again, never changed.

export const DEFAULT_MEMO_CAPACITY = 100_000;

export function boundedMemo<V>(compute: (key: string) => V, capacity = DEFAULT_MEMO_CAPACITY): (key: string) => V {
  if (!(capacity >= 1)) throw new RangeError(`a memo's capacity must be at least 1, got ${capacity}`);
  const known = new Map<string, V>();
  return (key) => {
    const found = known.get(key);
    // One lookup for the common case; has() only to tell a remembered undefined from none.
    if (found !== undefined || known.has(key)) return found as V;
    const value = compute(key);
    if (known.size >= capacity) known.clear();
    known.set(key, value);
    return value;
  };
}

// Objects whose keys are known only at run time (a file's header, a schema's fields), built once per
// row. Setting the keys one by one (o[keys[i]] = values[i]) goes through V8's megamorphic keyed store
// and costs ~200 ns for 8 keys; an object literal with the same keys computed is built like any
// literal, ~30 ns (Node 20). So a builder is made per key list: a literal for up to 12 keys, the loop
// beyond (and for a '__proto__' key, which a literal would make an own property and assignment does not).

export type KeyedObjectBuilder = (values: ArrayLike<unknown>) => Record<string, unknown>;

/**
 * The object keys[i] -> values[i], as setting them in order makes it (a repeated key keeps its first
 * place and its last value; values past the keys are ignored).
 */
export function keyedObject(keys: readonly string[]): KeyedObjectBuilder {
  if (keys.length > 12 || keys.includes('__proto__')) return byAssignment(keys);
  const [a = '', b = '', c = '', d = '', e = '', f = '', g = '', h = '', i = '', j = '', k = '', l = ''] = keys.map(internalized);
  // prettier-ignore
  switch (keys.length) {
    case 0: return () => ({});
    case 1: return (v) => ({ [a]: v[0] });
    case 2: return (v) => ({ [a]: v[0], [b]: v[1] });
    case 3: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2] });
    case 4: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2], [d]: v[3] });
    case 5: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2], [d]: v[3], [e]: v[4] });
    case 6: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2], [d]: v[3], [e]: v[4], [f]: v[5] });
    case 7: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2], [d]: v[3], [e]: v[4], [f]: v[5], [g]: v[6] });
    case 8: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2], [d]: v[3], [e]: v[4], [f]: v[5], [g]: v[6], [h]: v[7] });
    case 9: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2], [d]: v[3], [e]: v[4], [f]: v[5], [g]: v[6], [h]: v[7], [i]: v[8] });
    case 10: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2], [d]: v[3], [e]: v[4], [f]: v[5], [g]: v[6], [h]: v[7], [i]: v[8], [j]: v[9] });
    case 11: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2], [d]: v[3], [e]: v[4], [f]: v[5], [g]: v[6], [h]: v[7], [i]: v[8], [j]: v[9], [k]: v[10] });
    default: return (v) => ({ [a]: v[0], [b]: v[1], [c]: v[2], [d]: v[3], [e]: v[4], [f]: v[5], [g]: v[6], [h]: v[7], [i]: v[8], [j]: v[9], [k]: v[10], [l]: v[11] });
  }
}

/**
 * The key as V8's own (internalized) string: a key computed at run time (a header's normalised column)
 * is looked up in the string table on every store otherwise, which made the literal slower than the loop.
 */
const internalized = (key: string): string => Object.keys({ [key]: 0 })[0]!;

function byAssignment(keys: readonly string[]): KeyedObjectBuilder {
  return (values) => {
    const o: Record<string, unknown> = {};
    for (let n = 0; n < keys.length; n++) o[keys[n]!] = values[n];
    return o;
  };
}

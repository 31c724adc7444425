// The identifying strings of a FHIR export, read from its files for a scan: resource ids of patients
// and encounters (they must leave only as pseudonyms), names, reference displays, telecom, identifier
// values, address lines and cities, geolocation coordinates and extension strings. Short strings
// (under 5 characters) are left out, as they would match by chance.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

type Json = Record<string, unknown>;

export async function ndjson(path: string): Promise<Json[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Json);
}

/** Every string and number under the keys that carry identifying data, anywhere in a resource. */
function collect(value: unknown, into: Map<string, string>, what = ''): void {
  if (Array.isArray(value)) return value.forEach((v) => collect(v, into, what));
  if (value === null || typeof value !== 'object') {
    if (what && (typeof value === 'string' || typeof value === 'number') && String(value).length >= 5) into.set(String(value), what);
    return;
  }
  // Race and ethnicity are categories ("White"), not identifiers, and the dashboard's CSS says "white".
  if (/us-core-(race|ethnicity)$/.test(String((value as Json)['url'] ?? ''))) return;
  for (const [key, v] of Object.entries(value as Json)) {
    const identifying = ['name', 'given', 'family', 'display', 'telecom', 'identifier', 'line', 'city', 'valueString', 'valueDecimal', 'valueAddress'].includes(key);
    // Codings have displays too (terminology labels such as "Hypertension"); only reference displays count.
    const codingDisplay = key === 'display' && 'code' in (value as Json);
    collect(v, into, what || (identifying && !codingDisplay ? key : ''));
  }
}

export async function identifyingStrings(dir: string): Promise<Map<string, string>> {
  const needles = new Map<string, string>();
  for (const type of ['Patient', 'Encounter', 'Practitioner', 'PractitionerRole']) {
    for (const r of await ndjson(join(dir, `${type}.000.ndjson`))) {
      collect(r, needles);
      if (type === 'Patient' || type === 'Encounter') needles.set(String(r['id']), `${type}.id`);
      for (const n of (r['name'] as Json[] | undefined) ?? []) {
        needles.set([...((n['given'] as string[]) ?? []), n['family']].join(' '), `${type} full name`);
      }
    }
  }
  // Coordinates as a generic export would print them, too.
  for (const [v, what] of [...needles]) if (what === 'valueDecimal') needles.set(Number(v).toFixed(6), 'coordinate');
  return needles;
}

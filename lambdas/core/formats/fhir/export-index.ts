// What a FHIR export says about itself across files, gathered before any row is built: which version
// of each (type, id) wins, and which resource each identifier names. Pure: it is fed parsed resources
// with their location and answers questions; the files are read by lambdas/steps/io/fhir-source.ts.
//
// Versions: the same (type, id) may be in several files; the one with the latest meta.lastUpdated
// wins, and on a tie (or with none) the later one in file order, as a later export file is newer.
// Identifiers: type|system|value -> id, plus type|*|value for references that give no system. Two
// resources with the same identifier make it ambiguous: a reference through it is refused, never guessed.
// Memory: per resource a key, a timestamp and a location; per identifier two keys and an id.
import { asObject, asString, instant, objects, type Json } from './json.js';
import { describeReference, type ParsedReference } from './reference.js';

export interface Location {
  /** Index of the file in the export's file list. */
  file: number;
  line: number;
}

interface Version extends Location {
  updated: number;
}

export type Resolution = { ok: true; type: string; id: string } | { ok: false; reason: string };

/** Counters for the run summary; keyed by reference edge (Encounter.subject) or type, never by value. */
export interface ExportTally {
  /** A literal or urn:uuid target absent from this export: the row is kept with the id (an earlier batch may hold it). */
  notInExport: Record<string, number>;
  /** A reference that names nothing usable (no such identifier, ambiguous, unreadable): the row is refused or the join left out. */
  unresolved: Record<string, number>;
  /** Rows kept with a stand-in because the export had nothing for the field (no Claim: no cost). */
  notRecorded: Record<string, number>;
}

const AMBIGUOUS = '';

export class FhirExportIndex {
  private readonly versions = new Map<string, Version>();
  private readonly identifiers = new Map<string, string>();
  readonly tally: ExportTally = { notInExport: {}, unresolved: {}, notRecorded: {} };

  constructor(readonly files: readonly string[]) {}

  /** Records one version of a resource; returns true when it is (so far) the winning one. */
  observe(type: string, resource: Json, at: Location): boolean {
    const id = asString(resource['id']);
    if (id === undefined) return false;
    for (const identifier of objects(resource['identifier'])) {
      const value = asString(identifier['value']);
      if (value === undefined) continue;
      this.addIdentifier(`${type}|${asString(identifier['system']) ?? ''}|${value}`, id);
      this.addIdentifier(`${type}|*|${value}`, id);
    }
    const key = `${type}/${id}`;
    const updated = instant(asObject(resource['meta'])?.['lastUpdated']);
    const current = this.versions.get(key);
    if (current && (current.updated > updated || (current.updated === updated && before(at, current)))) return false;
    this.versions.set(key, { updated, file: at.file, line: at.line });
    return true;
  }

  /** Where the winning version of (type, id) is, or undefined when the export has none. */
  winner(type: string, id: string): Location | undefined {
    return this.versions.get(`${type}/${id}`);
  }

  isWinner(type: string, id: string, at: Location): boolean {
    const w = this.winner(type, id);
    return w !== undefined && w.file === at.file && w.line === at.line;
  }

  describe(at: Location): string {
    return `${this.files[at.file] ?? '?'}:${at.line}`;
  }

  /**
   * The (type, id) a reference points at, for an element (edge) that accepts the given types. The
   * container is the referring resource, for #contained references.
   */
  resolve(ref: ParsedReference | undefined, accept: readonly string[], edge: string, container?: Json): Resolution {
    if (ref === undefined) return this.fail(edge, `${edge} is missing`);
    switch (ref.kind) {
      case 'literal':
        if (!accept.includes(ref.type)) return this.fail(edge, `${edge} points at a ${ref.type}, not a ${accept.join(' or ')}`);
        return this.found(edge, ref.type, ref.id);
      case 'uuid': {
        const type = accept.find((t) => this.winner(t, ref.id)) ?? accept[0]!;
        return this.found(edge, type, ref.id);
      }
      case 'identifier':
        return this.byIdentifier(ref, accept, edge);
      case 'contained':
        return this.contained(ref.id, accept, edge, container);
      case 'unreadable':
        return this.fail(edge, `${edge}: ${ref.why}`);
    }
  }

  private byIdentifier(ref: Extract<ParsedReference, { kind: 'identifier' }>, accept: readonly string[], edge: string): Resolution {
    const types = ref.type ? [ref.type] : accept;
    if (!types.every((t) => accept.includes(t))) return this.fail(edge, `${edge} points at a ${ref.type}, not a ${accept.join(' or ')}`);
    for (const type of types) {
      const id = this.identifiers.get(`${type}|${ref.system ?? '*'}|${ref.value}`);
      if (id === AMBIGUOUS) return this.fail(edge, `${edge} ${describeReference(ref)} matches more than one ${type}`);
      if (id !== undefined) return { ok: true, type, id };
    }
    return this.fail(edge, `${edge} ${describeReference(ref)} matches no ${types.join(' or ')} in the export`);
  }

  /** A contained resource names a resource of the export only through its identifiers. */
  private contained(id: string, accept: readonly string[], edge: string, container: Json | undefined): Resolution {
    const target = objects(container?.['contained']).find((c) => asString(c['id']) === id);
    const type = asString(target?.['resourceType']);
    if (!target || !type || !accept.includes(type)) return this.fail(edge, `${edge} #${id} is not a contained ${accept.join(' or ')}`);
    for (const identifier of objects(target['identifier'])) {
      const value = asString(identifier['value']);
      const match = value && this.identifiers.get(`${type}|${asString(identifier['system']) ?? '*'}|${value}`);
      if (match) return { ok: true, type, id: match };
    }
    return this.fail(edge, `${edge} #${id} is a contained ${type} with no identifier that matches one in the export`);
  }

  private found(edge: string, type: string, id: string): Resolution {
    if (!this.winner(type, id)) bump(this.tally.notInExport, `${edge} -> ${type}`);
    return { ok: true, type, id };
  }

  private fail(edge: string, reason: string): Resolution {
    bump(this.tally.unresolved, edge);
    return { ok: false, reason };
  }

  private addIdentifier(key: string, id: string): void {
    const seen = this.identifiers.get(key);
    this.identifiers.set(key, seen === undefined || seen === id ? id : AMBIGUOUS);
  }
}

const before = (a: Location, b: Location): boolean => a.file < b.file || (a.file === b.file && a.line < b.line);

export const bump = (counts: Record<string, number>, key: string, by = 1): void => {
  counts[key] = (counts[key] ?? 0) + by;
};

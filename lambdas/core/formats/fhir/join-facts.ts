// The few fields other resources lend to a row, gathered from the join types' files (pass 2) and
// folded once every file has been read: a Practitioner's specialty (from its PractitionerRole), an
// Encounter's diagnosis and procedure (from the Conditions and Procedures that point at it) and its
// cost (from the Claims, else the ExplanationOfBenefits, whose items point at it). Pure.
// Memory: per join resource its latest version's facts (a reference or two, one short text, a few
// amounts); after finish(), per practitioner one text and per encounter two texts and a number.
import { FhirExportIndex, bump, type Location } from './export-index.js';
import { asObject, asString, conceptText, firstCode, moneyCents, objects, type Json } from './json.js';
import { parseReference, type ParsedReference } from './reference.js';
import type { JoinType } from './resource-types.js';

interface Clinical {
  at: Location;
  text: string | undefined;
  encounter: ParsedReference | undefined;
}

interface Billed {
  items: { encounters: ParsedReference[]; cents: number | undefined }[];
  totalCents: number | undefined;
}

export interface EncounterFacts {
  diagnosis?: string;
  procedure?: string;
  costCents?: number;
}

/** Statuses that take a resource out of the data: it never happened, or was recorded in error. */
const EXCLUDED_STATUS: Readonly<Record<JoinType, ReadonlySet<string>>> = {
  PractitionerRole: new Set(),
  Condition: new Set(['entered-in-error', 'refuted']),
  Procedure: new Set(['entered-in-error', 'not-done']),
  Claim: new Set(['entered-in-error', 'cancelled']),
  ExplanationOfBenefit: new Set(['entered-in-error', 'cancelled']),
};

export class JoinFacts {
  private readonly roles = new Map<string, { practitioner: ParsedReference | undefined; specialty: string | undefined }>();
  private readonly conditions = new Map<string, Clinical>();
  private readonly procedures = new Map<string, Clinical>();
  private readonly claims = new Map<string, Billed>();
  private readonly eobs = new Map<string, Billed>();
  private readonly roleToPractitioner = new Map<string, string>();
  private readonly specialties = new Map<string, string>();
  private readonly encounters = new Map<string, EncounterFacts>();
  private readonly excludedIds = new Set<string>();
  private readonly conditionTexts = new Map<string, string>();
  /** Join resources left out by status, and claims whose amount could not be put on one encounter. */
  readonly excluded: Record<string, number> = {};
  unallocatedClaims = 0;

  constructor(private readonly index: FhirExportIndex) {}

  /** Records the facts of one version; a later version of the same resource replaces them. */
  observe(type: JoinType, resource: Json, at: Location): void {
    if (!this.index.observe(type, resource, at)) return;
    const id = asString(resource['id'])!;
    this.excludedIds.delete(`${type}/${id}`);
    if (EXCLUDED_STATUS[type].has(statusOf(type, resource) ?? '')) {
      this.factsOfType(type).delete(id); // an earlier version's facts go with it
      return void this.excludedIds.add(`${type}/${id}`);
    }
    switch (type) {
      case 'PractitionerRole':
        this.roles.set(id, {
          practitioner: parseReference(resource['practitioner']),
          specialty: objects(resource['specialty']).map(conceptText).find(Boolean) ?? objects(resource['code']).map(conceptText).find(Boolean),
        });
        return;
      case 'Condition':
      case 'Procedure':
        (type === 'Condition' ? this.conditions : this.procedures).set(id, { at, text: conceptText(resource['code']), encounter: parseReference(resource['encounter']) });
        return;
      case 'Claim':
        this.claims.set(id, billed(resource, moneyCents(resource['total'])));
        return;
      case 'ExplanationOfBenefit':
        this.eobs.set(id, billed(resource, eobTotal(resource)));
        return;
    }
  }

  /** Folds the facts per practitioner and per encounter; call once, after the last join file. */
  finish(): void {
    for (const key of this.excludedIds) bump(this.excluded, key.slice(0, key.indexOf('/')));
    this.excludedIds.clear();
    for (const [roleId, role] of this.roles) {
      const practitioner = this.index.resolve(role.practitioner, ['Practitioner'], 'PractitionerRole.practitioner');
      if (!practitioner.ok) continue;
      this.roleToPractitioner.set(roleId, practitioner.id);
      if (role.specialty && !this.specialties.has(practitioner.id)) this.specialties.set(practitioner.id, role.specialty);
    }
    for (const [id, c] of this.conditions) if (c.text) this.conditionTexts.set(id, c.text);
    this.foldClinical(this.conditions, 'Condition.encounter', (f, text) => (f.diagnosis ??= text));
    this.foldClinical(this.procedures, 'Procedure.encounter', (f, text) => (f.procedure ??= text));
    const claimed = this.foldCosts(this.claims, 'Claim.item.encounter', new Set());
    this.foldCosts(this.eobs, 'ExplanationOfBenefit.item.encounter', claimed);
    for (const map of [this.roles, this.conditions, this.procedures, this.claims, this.eobs]) map.clear();
  }

  specialtyOf(practitionerId: string): string | undefined {
    return this.specialties.get(practitionerId);
  }

  practitionerOfRole(roleId: string): string | undefined {
    return this.roleToPractitioner.get(roleId);
  }

  /** The text of a Condition of the export (for an Encounter's reasonReference or diagnosis). */
  conditionText(conditionId: string): string | undefined {
    return this.conditionTexts.get(conditionId);
  }

  encounter(encounterId: string): EncounterFacts {
    return this.encounters.get(encounterId) ?? {};
  }

  /** Conditions and procedures in file order, so the first one recorded for an encounter is the one kept. */
  private foldClinical(facts: Map<string, Clinical>, edge: string, keep: (f: EncounterFacts, text: string) => void): void {
    const ordered = [...facts.values()].sort((a, b) => a.at.file - b.at.file || a.at.line - b.at.line);
    for (const c of ordered) {
      if (!c.text || !c.encounter) continue;
      const encounter = this.index.resolve(c.encounter, ['Encounter'], edge);
      if (encounter.ok) keep(this.factsOf(encounter.id), c.text);
    }
  }

  /**
   * In R4 a claim reaches encounters through its items. One encounter takes the whole total; several
   * take their items' net amounts. Encounters already costed by a Claim ignore the matching EOB.
   */
  private foldCosts(billed: Map<string, Billed>, edge: string, skip: ReadonlySet<string>): Set<string> {
    const costed = new Set<string>();
    for (const b of billed.values()) {
      const shares = this.shares(b, edge);
      if (!shares) {
        this.unallocatedClaims++;
        continue;
      }
      for (const [encounterId, cents] of shares) {
        if (skip.has(encounterId)) continue;
        const f = this.factsOf(encounterId);
        f.costCents = (f.costCents ?? 0) + cents;
        costed.add(encounterId);
      }
    }
    return costed;
  }

  /** (encounter, cents) pairs of one claim, or undefined when its amount cannot be put on encounters. */
  private shares(b: Billed, edge: string): [string, number][] | undefined {
    const items = b.items.map((item) => ({
      cents: item.cents,
      encounters: [...new Set(item.encounters.map((r) => this.index.resolve(r, ['Encounter'], edge)).flatMap((r) => (r.ok ? [r.id] : [])))],
    }));
    const all = [...new Set(items.flatMap((i) => i.encounters))];
    if (all.length === 1) {
      const cents = b.totalCents ?? sum(items.map((i) => i.cents));
      return cents === undefined ? undefined : [[all[0]!, cents]];
    }
    const billedItems = items.filter((i) => i.encounters.length > 0);
    if (all.length === 0 || billedItems.some((i) => i.encounters.length > 1 || i.cents === undefined)) return undefined;
    return billedItems.map((i) => [i.encounters[0]!, i.cents!]);
  }

  private factsOfType(type: JoinType): Map<string, unknown> {
    const maps: Record<JoinType, Map<string, unknown>> = {
      PractitionerRole: this.roles, Condition: this.conditions, Procedure: this.procedures, Claim: this.claims, ExplanationOfBenefit: this.eobs,
    };
    return maps[type];
  }

  private factsOf(encounterId: string): EncounterFacts {
    let f = this.encounters.get(encounterId);
    if (!f) this.encounters.set(encounterId, (f = {}));
    return f;
  }
}

function statusOf(type: JoinType, r: Json): string | undefined {
  return type === 'Condition' ? firstCode(r['verificationStatus']) : asString(r['status']);
}

function billed(r: Json, totalCents: number | undefined): Billed {
  return {
    totalCents,
    items: objects(r['item']).map((item) => ({
      encounters: objects(item['encounter']).map(parseReference).filter((x): x is ParsedReference => x !== undefined),
      cents: moneyCents(item['net']),
    })),
  };
}

/** An EOB's submitted amount when it says which total that is, else its first total. */
function eobTotal(r: Json): number | undefined {
  const totals = objects(r['total']);
  const submitted = totals.find((t) => firstCode(t['category']) === 'submitted') ?? totals[0];
  return moneyCents(asObject(submitted)?.['amount']);
}

function sum(values: (number | undefined)[]): number | undefined {
  return values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, v) => a + v!, 0);
}

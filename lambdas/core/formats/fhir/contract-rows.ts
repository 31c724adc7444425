// One Patient, Practitioner or Encounter to the contract v1 row the anonymiser validates, using the
// export index and the join facts for what other resources lend it. Only allow-listed elements are
// read (below, per type); narratives (text.div), names, telecom, identifiers, address lines, every
// extension (geolocation, mothersMaidenName, birthPlace...) and every Reference.display are never read.
// Pure.
//   Patient       id, birthDate, gender, address (state, postalCode: the home address in use)
//   Practitioner  id, qualification.code (only when no PractitionerRole gives a specialty)
//   Encounter     id, status, class, type, subject, participant (type, individual), period.start,
//                 reasonCode, reasonReference, diagnosis (condition, rank)
import type { Entity } from '../../../steps/run-state.js';
import { calendarDate } from '../dates.js';
import { rejected, type FormatRow } from '../format-row.js';
import { NOT_RECORDED, UNDISCLOSED_ZIP, nameStandIn } from '../stand-ins.js';
import { normaliseState } from '../us-states.js';
import { FHIR_ENCOUNTER_CLASSES } from '../visit-classes.js';
import { bump, type FhirExportIndex, type Location, type Resolution } from './export-index.js';
import type { JoinFacts } from './join-facts.js';
import { asObject, asString, conceptText, firstCode, objects, type Json } from './json.js';
import { parseReference } from './reference.js';
import { ENTITY_TYPES } from './resource-types.js';

export interface FhirContext {
  index: FhirExportIndex;
  joins: JoinFacts;
}

/** Encounters that did not happen, or were recorded in error, are excluded (and counted), not loaded. */
const EXCLUDED_ENCOUNTER = new Set(['entered-in-error', 'cancelled']);
/** Performer precedence: primary performer, then attender, then anyone else in the list. */
const PERFORMER_TYPES = ['PPRF', 'ATND'];

/** The row of one line of an entity type's file: checks type, id and version, then converts. */
export function fhirRow(entity: Entity, resource: unknown, at: Location, ctx: FhirContext): FormatRow {
  const type = ENTITY_TYPES[entity];
  const r = asObject(resource);
  if (!r) return rejected('', 'the line is JSON but not a FHIR resource (an object)');
  const actual = asString(r['resourceType']);
  if (actual !== type) return rejected('resourceType', `resourceType ${actual ?? '(none)'} in a ${type} file`);
  const id = asString(r['id']);
  if (id === undefined) return rejected('id', `${type} has no id`);
  if (!ctx.index.isWinner(type, id, at)) {
    return rejected('meta.lastUpdated', `superseded by a later version of the same ${type} at ${ctx.index.describe(ctx.index.winner(type, id)!)}`, true);
  }
  if (entity === 'patients') return patient(r, id);
  if (entity === 'providers') return practitioner(r, id, ctx);
  return encounter(r, id, ctx);
}

function patient(r: Json, id: string): FormatRow {
  const values: Record<string, string> = { patient_id: id, patient_name: nameStandIn('patients', id) };
  const birth = asString(r['birthDate']);
  if (birth !== undefined) {
    const date = calendarDate(birth);
    if (!date.ok) return rejected('Patient.birthDate', `birthDate ${date.reason}`);
    values['date_of_birth'] = date.date;
  }
  const gender = asString(r['gender']);
  if (gender !== undefined) values['gender'] = gender;
  const address = homeAddress(r['address']);
  const state = asString(address?.['state']);
  if (state !== undefined) values['state'] = normaliseState(state);
  values['zip_code'] = asString(address?.['postalCode']) ?? UNDISCLOSED_ZIP;
  return { ok: true, values };
}

/** The address in use: not marked old and not ended; the home one if there is one. */
function homeAddress(v: unknown): Json | undefined {
  const current = objects(v).filter((a) => asString(a['use']) !== 'old' && asString(asObject(a['period'])?.['end']) === undefined);
  return current.find((a) => asString(a['use']) === 'home') ?? current[0];
}

function practitioner(r: Json, id: string, ctx: FhirContext): FormatRow {
  let specialty = ctx.joins.specialtyOf(id) ?? objects(r['qualification']).map((q) => conceptText(q['code'])).find(Boolean);
  if (specialty === undefined) {
    bump(ctx.index.tally.notRecorded, 'Practitioner specialty');
    specialty = NOT_RECORDED;
  }
  return { ok: true, values: { provider_id: id, provider_name: nameStandIn('providers', id), specialty } };
}

function encounter(r: Json, id: string, ctx: FhirContext): FormatRow {
  const status = asString(r['status']);
  if (status !== undefined && EXCLUDED_ENCOUNTER.has(status)) return rejected('Encounter.status', `Encounter status ${status}: excluded`, true);
  const subject = ctx.index.resolve(parseReference(r['subject']), ['Patient'], 'Encounter.subject', r);
  const performer = performerOf(r, ctx);
  const start = asString(asObject(r['period'])?.['start']);
  const date = start === undefined ? { ok: false as const, reason: 'is missing' } : calendarDate(start);
  const issues = [
    ...(subject.ok ? [] : [{ field: 'Encounter.subject', reason: subject.reason }]),
    ...(performer.ok ? [] : [{ field: 'Encounter.participant', reason: performer.reason }]),
    ...(date.ok ? [] : [{ field: 'Encounter.period.start', reason: `period.start ${date.reason}` }]),
  ];
  if (!subject.ok || !performer.ok || !date.ok) return { ok: false, issues };
  const facts = ctx.joins.encounter(id);
  const values: Record<string, string> = {
    visit_id: id,
    patient_id: subject.id,
    provider_id: performer.id,
    visit_date: date.date,
    diagnosis: diagnosisOf(r, ctx) ?? facts.diagnosis ?? notRecorded(ctx, 'Encounter diagnosis'),
    procedure_performed: facts.procedure ?? notRecorded(ctx, 'Encounter procedure'),
  };
  const classCode = firstCode(objects(r['class'])[0]);
  const visitType = objects(r['type']).map(conceptText).find(Boolean) ?? (classCode && (FHIR_ENCOUNTER_CLASSES[classCode] ?? classCode));
  if (visitType) values['visit_type'] = visitType;
  if (facts.costCents !== undefined) values['cost'] = (facts.costCents / 100).toFixed(2);
  else bump(ctx.index.tally.notRecorded, 'Encounter cost (no Claim or ExplanationOfBenefit)');
  return { ok: true, values };
}

/** The Practitioner who performed the visit: a participant's individual, directly or through its role. */
function performerOf(r: Json, ctx: FhirContext): Resolution {
  const participants = objects(r['participant']).filter((p) => p['individual'] !== undefined);
  const rank = (p: Json) => {
    const codes = objects(p['type']).map(firstCode);
    const i = PERFORMER_TYPES.findIndex((t) => codes.includes(t));
    return i < 0 ? PERFORMER_TYPES.length : i;
  };
  participants.sort((a, b) => rank(a) - rank(b));
  let last: Resolution = { ok: false, reason: 'Encounter.participant names no individual who performed the visit' };
  for (const p of participants) {
    last = ctx.index.resolve(parseReference(p['individual']), ['Practitioner', 'PractitionerRole'], 'Encounter.participant', r);
    if (last.ok && last.type === 'PractitionerRole') {
      const practitionerId = ctx.joins.practitionerOfRole(last.id);
      last = practitionerId ? { ok: true, type: 'Practitioner', id: practitionerId } : { ok: false, reason: `Encounter.participant PractitionerRole/${last.id} names no Practitioner of the export` };
    }
    if (last.ok) return last;
  }
  return last;
}

/** The visit's own reason: a coded reason, else a referenced (or contained) Condition, else its diagnosis list. */
function diagnosisOf(r: Json, ctx: FhirContext): string | undefined {
  const coded = objects(r['reasonCode']).map(conceptText).find(Boolean);
  if (coded) return coded;
  const byRank = objects(r['diagnosis']).sort((a, b) => rankOf(a) - rankOf(b)).map((d) => d['condition']);
  for (const ref of [...objects(r['reasonReference']), ...byRank]) {
    const parsed = parseReference(ref);
    if (parsed?.kind === 'contained') {
      const contained = objects(r['contained']).find((c) => asString(c['id']) === parsed.id && asString(c['resourceType']) === 'Condition');
      const text = conceptText(contained?.['code']);
      if (text) return text;
      continue;
    }
    const condition = ctx.index.resolve(parsed, ['Condition'], 'Encounter.reason/diagnosis');
    const text = condition.ok ? ctx.joins.conditionText(condition.id) : undefined;
    if (text) return text;
  }
  return undefined;
}

const rankOf = (d: Json): number => (typeof d['rank'] === 'number' ? d['rank'] : Number.MAX_SAFE_INTEGER);

function notRecorded(ctx: FhirContext, what: string): string {
  bump(ctx.index.tally.notRecorded, what);
  return NOT_RECORDED;
}

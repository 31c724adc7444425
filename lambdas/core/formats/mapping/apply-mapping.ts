// One source CSV record through a mapping: the contract v1 row the anonymiser validates, or the
// reasons it cannot be built. Only mapped columns are read; every other column (names, SSNs,
// addresses, coordinates...) is never copied. Pure.
import type { RowIssue } from '../../anonymize/anonymize-row.js';
import { normaliseColumn } from '../../contract/input-contract.js';
import type { Entity } from '../../../steps/run-state.js';
import { reformatDate } from '../dates.js';
import type { FormatRow } from '../format-row.js';
import { NAME_FIELDS, nameStandIn } from '../stand-ins.js';
import { normaliseState } from '../us-states.js';
import type { EntityMapping, FieldSpec } from './mapping-schema.js';


const ID_FIELDS: Record<Entity, string> = { patients: 'patient_id', providers: 'provider_id', visits: 'visit_id' };

/** A mapping prepared for many rows: source columns normalised like headers, value maps keyed case-insensitively. */
export interface CompiledMapping {
  entity: Entity;
  fields: { target: string; column: string; spec: FieldSpec; values?: Map<string, string> }[];
}

export function compileMapping(entity: Entity, m: EntityMapping): CompiledMapping {
  return {
    entity,
    fields: Object.entries(m.fields).map(([target, spec]) => ({
      target,
      column: normaliseColumn(spec.column),
      spec,
      values: spec.values && new Map(Object.entries(spec.values).map(([k, v]) => [k.trim().toLowerCase(), v])),
    })),
  };
}

/** The source columns a mapping reads (normalised), each of which the file's header must have. */
export const mappedColumns = (c: CompiledMapping): string[] => [...new Set(c.fields.map((f) => f.column))];

export function applyMapping(c: CompiledMapping, source: Readonly<Record<string, string>>): FormatRow {
  const values: Record<string, string> = {};
  const issues: RowIssue[] = [];
  for (const f of c.fields) {
    let v = source[f.column];
    if (v === undefined || v.trim() === '') v = f.spec.default;
    if (v === undefined) continue; // absent: the row schema names it if the contract requires it
    v = f.values?.get(v.trim().toLowerCase()) ?? v;
    if (f.spec.date) {
      const date = reformatDate(v, f.spec.date);
      if (date === undefined) {
        issues.push({ field: f.target, reason: `${f.target} ${JSON.stringify(v)} (column ${f.spec.column}) is not a date in the format ${f.spec.date}` });
        continue;
      }
      v = date;
    }
    values[f.target] = f.target === 'state' ? normaliseState(v) : v;
  }
  if (issues.length) return { ok: false, issues };
  const id = values[ID_FIELDS[c.entity]];
  if (c.entity !== 'visits' && id !== undefined) values[NAME_FIELDS[c.entity]] ??= nameStandIn(c.entity, id);
  return { ok: true, values };
}

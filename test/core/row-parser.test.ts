// The row path's cheap checks against the zod schemas they stand in for: for any value, a field's
// cheap check either defers to zod or gives exactly what zod gives, and a whole row parses the same
// either way. Values are drawn near the edges the field parsers care about (blank, padded, long,
// dates that do not exist, money with separators, ZIP+4, odd genders), not only at random.
import fc from 'fast-check';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { rowParser } from '../../lambdas/core/anonymize/row-parser.js';
import { ASK_ZOD, patientFields, patientRow, providerFields, providerRow, visitFields, visitRow, type FieldRule } from '../../lambdas/core/anonymize/row-schemas.js';

const piece = fc.constantFrom('', ' ', '  ', '\t', '\n', '\u00a0', 'a', 'Z', '0', '9', '12', '-', '/', '.', ',', '$', '+', 'é', 'x'.repeat(199), 'M', 'f', 'Other', 'non-binary');
const near = fc.constantFrom(
  '2024-02-29', '2023-02-29', '1999-02-30', '0000-01-01', '2025-12-31', '3/7/2024', '13/1/2024', ' 2024-01-01 ',
  '1,234.50', '$1,234.50', '$12,34.5', '0.999', '12.', '.5', '-1', '00501', '02134-1234', '1234', 'ma', 'MAS', 'Unknown', 'X',
);
const value = fc.oneof(
  { weight: 3, arbitrary: near },
  { weight: 3, arbitrary: fc.array(piece, { maxLength: 5 }).map((ps) => ps.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const maybeValue = fc.option(value, { nil: undefined });

const ENTITIES = [
  ['patients', patientFields, patientRow],
  ['providers', providerFields, providerRow],
  ['visits', visitFields, visitRow],
] as const;

describe('Function: rowParser', () => {
  describe.each(ENTITIES)('%s', (_entity, fields, schema) => {
    const rules = Object.entries(fields) as [string, FieldRule<unknown>][];

    it.each(rules)('field %s: the cheap check defers to zod or agrees with it', (_name, rule) => {
      fc.assert(
        fc.property(maybeValue, (raw) => {
          const cheap = rule.cheap(raw);
          if (cheap === ASK_ZOD) return;
          const byZod = rule.zod.safeParse(raw);
          expect(byZod.success).toBe(true);
          expect(cheap).toEqual(byZod.data);
        }),
        { numRuns: 1000 },
      );
    });

    it('parses any row as zod does: the same verdict, data and issues', () => {
      const row = fc.record(Object.fromEntries(rules.map(([name]) => [name, maybeValue])));
      const parse = rowParser(fields as Record<string, FieldRule<unknown>>, schema as z.ZodType<unknown>);
      fc.assert(
        fc.property(row, (generated) => {
          const raw = Object.fromEntries(Object.entries(generated).filter(([, v]) => v !== undefined)) as Record<string, string>;
          const fast = parse(raw);
          const byZod = schema.safeParse(raw);
          expect(fast.success).toBe(byZod.success);
          if (fast.success && byZod.success) expect(fast.data).toEqual(byZod.data);
          if (!fast.success && !byZod.success) expect(fast.error.issues).toEqual(byZod.error.issues);
        }),
        { numRuns: 1000 },
      );
    });
  });

  it('takes a typical export row without asking zod', () => {
    const typical = {
      visit_id: 'V000000001', patient_id: 'P0000001', provider_id: 'PR00002', visit_date: '2023-08-15',
      visit_type: 'Routine Checkup', diagnosis: 'Hypertension', procedure_performed: 'Blood Pressure Monitoring', cost: '54.98',
    };
    for (const [name, rule] of Object.entries(visitFields) as [keyof typeof typical, FieldRule<unknown>][]) {
      expect(rule.cheap(typical[name]), name).not.toBe(ASK_ZOD);
    }
  });
});

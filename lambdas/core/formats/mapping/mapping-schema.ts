// The mapping file of the `csv` format: which source file holds each entity and which source column
// fills each contract field, with value maps, defaults and date formats. Validated with zod; every
// problem is reported with its path in the file (entities.visits.fields.visit_date.date: ...). Pure.
import { z } from 'zod';
import { PipelineError } from '../../errors.js';
import type { Entity } from '../../../steps/run-state.js';
import { DATE_FORMATS } from '../dates.js';
import { contractFields } from './contract-fields.js';

const fieldSpec = z.strictObject({
  column: z.string({ error: 'needs "column": the source column that fills this field' }).trim().min(1, 'column must not be empty'),
  default: z.string({ error: 'default must be a string' }).optional(),
  values: z.record(z.string(), z.string({ error: 'must be a string: the contract value this source value becomes' }), { error: 'values must map source values to contract values, all strings' }).optional(),
  date: z.enum(DATE_FORMATS, { error: `date must be one of ${DATE_FORMATS.join(', ')}` }).optional(),
});

const fileNames = z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)], {
  error: 'file must be a file name in the batch folder, or a list of them',
});

const entitySpec = (entity: Entity) =>
  z
    .strictObject({
      file: fileNames,
      fields: z.record(z.string(), fieldSpec, { error: 'fields must be an object of contract field: {column, ...}' }),
    })
    .superRefine((spec, ctx) => {
      const fields = contractFields(entity);
      const known = new Set(fields.map((f) => f.name));
      for (const name of Object.keys(spec.fields)) {
        if (!known.has(name)) ctx.addIssue({ code: 'custom', path: ['fields', name], message: `is not a contract field of ${entity} (expected one of ${[...known].join(', ')})` });
      }
      for (const f of fields) {
        if (f.required && !(f.name in spec.fields)) ctx.addIssue({ code: 'custom', path: ['fields', f.name], message: `is required: map a source column to it` });
      }
    });

export const mappingSchema = z.strictObject({
  mappingVersion: z.literal(1, { error: 'mappingVersion must be 1' }),
  description: z.string().optional(),
  entities: z.strictObject(
    { patients: entitySpec('patients'), providers: entitySpec('providers'), visits: entitySpec('visits') },
    { error: 'entities must name patients, providers and visits' },
  ),
});

export type Mapping = z.infer<typeof mappingSchema>;
export type FieldSpec = z.infer<typeof fieldSpec>;
export type EntityMapping = Mapping['entities'][Entity];

/** The entity's source files as a list. */
export const mappedFiles = (m: EntityMapping): string[] => (typeof m.file === 'string' ? [m.file] : m.file);

/** A validated mapping, or a BAD_INPUT error listing every problem with its path in the file. */
export function parseMapping(json: unknown, where: string): Mapping {
  const parsed = mappingSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const path = i.path.join('.');
    const keys = i.code === 'unrecognized_keys' ? ` ${i.keys.map((k) => JSON.stringify(k)).join(', ')}` : '';
    return `${path || '(top level)'}: ${i.message}${keys}`;
  });
  throw new PipelineError(
    'BAD_INPUT',
    `mapping ${where} is not valid: ${problems.join('; ')}`,
    'see docs/INPUT-FORMATS.md, "Writing a mapping file"',
  );
}


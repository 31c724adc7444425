import { describe, expect, it } from 'vitest';
import { patientSlices, serialSlices, sliceCondition } from '../../../lambdas/core/publish/patient-slices.js';

describe('patientSlices', () => {
  it('reads a small warehouse, or an empty one, in one call with no bounds', () => {
    expect(patientSlices(0)).toEqual([{}]);
    expect(patientSlices(250_000)).toEqual([{}]);
  });

  it('cuts a large warehouse into slices of at most the given size, chained end to start', () => {
    const slices = patientSlices(2_000_000, 250_000);
    expect(slices).toHaveLength(8);
    expect(slices[0]).toEqual({ until: '2000' });
    expect(slices.at(-1)).toEqual({ from: 'e000' });
    for (let i = 1; i < slices.length; i++) expect(slices[i]!.from).toBe(slices[i - 1]!.until);
    const bounds = slices.slice(1).map((s) => s.from!);
    expect([...bounds].sort()).toEqual(bounds);
    expect(new Set(bounds).size).toBe(bounds.length);
  });

  it('puts any id in exactly one slice, hex or not', () => {
    const slices = patientSlices(10, 3);
    for (const id of ['', '0', '3fff', '4000', '5555', 'a1', 'b13b', 'ffffffff', 'zz', 'PAT-1']) {
      const holding = slices.filter((s) => (s.from === undefined || id >= s.from) && (s.until === undefined || id < s.until));
      expect(holding, id).toHaveLength(1);
    }
  });

  it('never makes more slices than its bounds can tell apart, and refuses a size below 1', () => {
    expect(patientSlices(1e9, 1)).toHaveLength(65_536);
    expect(() => patientSlices(10, 0)).toThrow(/at least 1/);
  });
});

describe('sliceCondition', () => {
  it('binds only the bounds a slice has, numbered from the given parameter', () => {
    expect(sliceCondition({}, 'c.patient_id', 4)).toEqual({ sql: 'true', params: [] });
    expect(sliceCondition({ until: '8000' }, 'c.patient_id', 4)).toEqual({ sql: 'c.patient_id < $4', params: ['8000'] });
    expect(sliceCondition({ from: '4000', until: '8000' }, 'd.patient_id', 7)).toEqual({ sql: 'd.patient_id >= $7 and d.patient_id < $8', params: ['4000', '8000'] });
    expect(sliceCondition({ from: 3, until: 9 }, 'c.patient_serial', 4)).toEqual({ sql: 'c.patient_serial >= $4 and c.patient_serial < $5', params: [3, 9] });
  });
});

describe('serialSlices', () => {
  it('reads a small warehouse, or an empty one, in one call with no bounds', () => {
    expect(serialSlices(0, { first: 0, last: 0 })).toEqual([{}]);
    expect(serialSlices(250_000, { first: 1, last: 250_000 })).toEqual([{}]);
  });

  it('cuts the serials held evenly into slices of about the given size, chained end to start', () => {
    const slices = serialSlices(2_000_000, { first: 1, last: 2_000_100 }, 250_000);
    expect(slices).toHaveLength(8);
    expect(slices[0]).toEqual({ until: 250_013 });
    expect(slices.at(-1)).toEqual({ from: 1_750_088 });
    for (let i = 1; i < slices.length; i++) expect(slices[i]!.from).toBe(slices[i - 1]!.until);
  });

  it('starts its cuts at the lowest serial held, so draws a failed first load rolled back leave no empty slice', () => {
    expect(serialSlices(100, { first: 1_001, last: 1_100 }, 25)).toEqual([{ until: 1_026 }, { from: 1_026, until: 1_051 }, { from: 1_051, until: 1_076 }, { from: 1_076 }]);
  });

  it('puts any serial in exactly one slice, past the highest held too, and never cuts an empty one', () => {
    const slices = serialSlices(10, { first: 1, last: 12 }, 3);
    for (const serial of [-1, 0, 1, 4, 5, 12, 13, 1e12]) {
      const holding = slices.filter((s) => (s.from === undefined || serial >= s.from) && (s.until === undefined || serial < s.until));
      expect(holding, String(serial)).toHaveLength(1);
    }
    expect(serialSlices(10, { first: 5, last: 6 }, 1)).toHaveLength(2);
    expect(() => serialSlices(10, { first: 1, last: 12 }, 0)).toThrow(/at least 1/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  ageBandLadder,
  generaliseUntilK,
  smallestClass,
  starLadder,
  suppressSmallCells,
  zip3Ladder,
} from '../../../lambdas/core/privacy/index.js';

const QI = ['age_group', 'gender', 'zip3', 'state'];
const repeat = (n: number, row: Record<string, string>) => Array.from({ length: n }, () => ({ ...row }));

describe('Function: smallestClass', () => {
  it('finds the smallest equivalence class over the quasi-identifiers', () => {
    // Prepare
    const rows = [
      ...repeat(5, { age_group: '18-34', gender: 'F', zip3: '100', state: 'NY', name: 'x' }),
      ...repeat(3, { age_group: '35-49', gender: 'M', zip3: '100', state: 'NY', name: 'x' }),
      ...repeat(2, { age_group: '35-49', gender: 'F', zip3: '940', state: 'CA', name: 'x' }),
      ...repeat(4, { age_group: '50-64', gender: 'M', zip3: '940', state: 'CA', name: 'x' }),
    ];

    // Act
    const result = smallestClass(rows, QI);

    // Assess: columns outside the quasi-identifiers (name) play no part.
    expect(result).toEqual({
      k: 2,
      classes: 4,
      smallestKey: { age_group: '35-49', gender: 'F', zip3: '940', state: 'CA' },
    });
  });

  it('breaks ties by key order, so the answer does not depend on row order', () => {
    // Prepare
    const rows = [{ g: 'M' }, { g: 'F' }, { g: 'X' }, { g: 'X' }];

    // Act
    const forward = smallestClass(rows, ['g']);
    const backward = smallestClass([...rows].reverse(), ['g']);

    // Assess
    expect(forward).toEqual({ k: 1, classes: 3, smallestKey: { g: 'F' } });
    expect(backward).toEqual(forward);
  });

  it('accepts any iterable and reports k = 0 for no rows', () => {
    // Prepare
    function* none(): Generator<Record<string, string>> {}

    // Act / Assess
    expect(smallestClass(none(), ['g'])).toEqual({ k: 0, classes: 0, smallestKey: null });
  });

  it('names a missing quasi-identifier column', () => {
    // Act / Assess
    expect(() => smallestClass([{ gender: 'F' }], ['gender', 'zip3'])).toThrow(/Row 0 has no quasi-identifier column 'zip3'/);
  });
});

describe('Function: suppressSmallCells', () => {
  const cells = [
    { key: 'a', patients: 10, visits: 30, meanCost: 100.5 as number | null },
    { key: 'b', patients: 4, visits: 9, meanCost: 80 as number | null },
    { key: 'c', patients: 5, visits: 5, meanCost: null as number | null },
    { key: 'd', patients: 0, visits: 0, meanCost: null as number | null },
  ];

  it('suppresses cells with fewer than k patients and keeps cells with exactly k', () => {
    // Act
    const result = suppressSmallCells(cells, 5);

    // Assess
    expect(result.map((c) => [c.key, c.suppressed])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
      ['d', true],
    ]);
    expect(result[0]).toEqual({ ...cells[0], suppressed: false });
  });

  it('reports suppressed cells as null, never as zero', () => {
    // Act
    const result = suppressSmallCells(cells, 5);

    // Assess
    for (const cell of result.filter((c) => c.suppressed)) {
      expect([cell.patients, cell.visits, cell.meanCost]).toEqual([null, null, null]);
      expect(Object.values(cell)).not.toContain(0);
    }
  });

  it('with complementary, also suppresses the smallest other cell when only one is suppressed', () => {
    // Prepare
    const withoutZero = cells.slice(0, 3);

    // Act
    const result = suppressSmallCells(withoutZero, 5, { complementary: true });

    // Assess
    expect(result.map((c) => c.suppressed)).toEqual([false, true, true]);
  });

  it.each([0, 2.5, Number.NaN])('rejects k = %s', (k) => {
    // Act / Assess
    expect(() => suppressSmallCells(cells, k)).toThrow(/k must be a positive integer/);
  });
});

describe('Function: ageBandLadder', () => {
  it('merges adjacent bands pairwise, then to *', () => {
    // Prepare
    const bands = ['0-17', '18-34', '35-49', '50-64', '65-89', '90+'];

    // Act
    const ladder = ageBandLadder(bands);
    const table = ladder.levels.map((level) => bands.map((band) => level.map({ age_group: band })));

    // Assess
    expect(table).toEqual([
      ['0-34', '0-34', '35-64', '35-64', '65+', '65+'],
      ['0-64', '0-64', '0-64', '0-64', '65+', '65+'],
      ['*', '*', '*', '*', '*', '*'],
    ]);
  });
});

describe('Function: generaliseUntilK', () => {
  const zipRows = [
    ...repeat(2, { zip3: '100', state: 'NY', id: 'n' }),
    ...repeat(2, { zip3: '101', state: 'NY', id: 'n' }),
    ...repeat(1, { zip3: '102', state: 'NY', id: 'n' }),
    ...repeat(3, { zip3: '940', state: 'CA', id: 'c' }),
  ];

  it('coarsens ZIP3 to state when that reaches k', () => {
    // Act
    const result = generaliseUntilK(zipRows, { k: 3, quasiIdentifiers: ['zip3', 'state'], ladders: [zip3Ladder()] });

    // Assess
    expect(result.levels).toEqual({ zip3: 1 });
    expect(result.k).toBe(3);
    expect(result.suppressedRows).toBe(0);
    expect(result.rows.map((r) => r.zip3)).toEqual(['NY', 'NY', 'NY', 'NY', 'NY', 'CA', 'CA', 'CA']);
    expect(result.rows.map((r) => r.id)).toEqual(zipRows.map((r) => r.id));
    expect(result.notes).toEqual(['zip3 generalised to state']);
  });

  it('suppresses a lone outlier instead of generalising everyone, within maxSuppressedShare', () => {
    // Prepare
    const rows = [...zipRows, { zip3: '820', state: 'WY', id: 'w' }];

    // Act
    const lenient = generaliseUntilK(rows, {
      k: 3,
      quasiIdentifiers: ['zip3', 'state'],
      ladders: [zip3Ladder()],
      maxSuppressedShare: 0.2,
    });
    const strict = generaliseUntilK(rows, {
      k: 3,
      quasiIdentifiers: ['zip3', 'state'],
      ladders: [zip3Ladder(), starLadder('state')],
      maxSuppressedShare: 0,
    });

    // Assess
    expect(lenient.levels).toEqual({ zip3: 1 });
    expect(lenient.suppressedRows).toBe(1);
    expect(lenient.rows.some((r) => r.state === 'WY')).toBe(false);
    expect(lenient.notes[1]).toMatch(/1 row\(s\) suppressed/);
    expect(strict.suppressedRows).toBe(0);
    expect(strict.k).toBe(9);
    expect(strict.rows.every((r) => r.zip3 === '*' && r.state === '*')).toBe(true);
  });

  it('generalises the column with the most distinct values first (age bands before gender)', () => {
    // Prepare
    const rows = [
      { age_group: '0-17', gender: 'F' },
      { age_group: '18-34', gender: 'F' },
      { age_group: '35-49', gender: 'M' },
      { age_group: '50-64', gender: 'M' },
    ];
    const bands = ['0-17', '18-34', '35-49', '50-64'];

    // Act
    const result = generaliseUntilK(rows, {
      k: 2,
      quasiIdentifiers: ['age_group', 'gender'],
      ladders: [ageBandLadder(bands), starLadder('gender')],
    });

    // Assess
    expect(result.levels).toEqual({ age_group: 1, gender: 0 });
    expect(result.rows).toEqual([
      { age_group: '0-34', gender: 'F' },
      { age_group: '0-34', gender: 'F' },
      { age_group: '35-64', gender: 'M' },
      { age_group: '35-64', gender: 'M' },
    ]);
  });

  it('suppresses everything when even full generalisation leaves fewer than k rows', () => {
    // Act
    const result = generaliseUntilK(zipRows.slice(0, 2), { k: 5, quasiIdentifiers: ['zip3'], ladders: [zip3Ladder()] });

    // Assess
    expect(result.rows).toEqual([]);
    expect(result.k).toBe(0);
    expect(result.suppressedRows).toBe(2);
  });

  it('rejects a ladder on a column that is not a quasi-identifier', () => {
    // Act / Assess
    expect(() => generaliseUntilK([], { k: 2, quasiIdentifiers: ['state'], ladders: [zip3Ladder()] })).toThrow(
      /not one of the quasi-identifiers/,
    );
  });
});

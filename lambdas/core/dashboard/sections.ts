// Which published tables the dashboard shows, in page order, and how each is drawn and sorted.
import type { PublishedCell, PublishedTable } from '../published-snapshot.js';

export type ChartKind = 'bar' | 'hbar' | 'line';
export type SortOrder = 'snapshot' | 'leading-number' | 'key' | 'visits-desc';
export type FilterKind = 'month' | 'specialty';

export interface SectionDef {
  /** The section's `data-section` and element id. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The published table drawn when no filter redirects it. */
  readonly table: string;
  /** A finer table used when the specialty filter is set (the trend reads by_month_specialty). */
  readonly bySpecialtyTable?: string;
  readonly chart: ChartKind;
  readonly order: SortOrder;
  /** Filters that apply to this section; the rest of the page shows whole-release figures. */
  readonly filters: readonly FilterKind[];
  /** Sections that look best across the whole grid row. */
  readonly wide?: boolean;
}

export const SECTIONS: readonly SectionDef[] = [
  {
    id: 'trend',
    title: 'Monthly trend',
    description: 'Visits and distinct patients per month. With a specialty selected, the trend comes from the month × specialty table.',
    table: 'by_month',
    bySpecialtyTable: 'by_month_specialty',
    chart: 'line',
    order: 'key',
    filters: ['month', 'specialty'],
    wide: true,
  },
  {
    id: 'specialties',
    title: 'Provider utilisation by specialty',
    description: 'Visits and distinct patients seen by providers of each specialty.',
    table: 'by_specialty',
    chart: 'hbar',
    order: 'visits-desc',
    filters: ['specialty'],
  },
  {
    id: 'age-groups',
    title: 'Age groups',
    description: 'Visits and distinct patients per age group (each patient counted in their current age group).',
    table: 'by_age_group',
    chart: 'bar',
    order: 'leading-number',
    filters: [],
  },
  {
    id: 'diagnoses',
    title: 'Diagnoses',
    description: 'Visits and distinct patients per primary diagnosis.',
    table: 'by_diagnosis',
    chart: 'hbar',
    order: 'visits-desc',
    filters: [],
  },
  {
    id: 'gender',
    title: 'Gender',
    description: 'Visits and distinct patients per recorded gender.',
    table: 'by_gender',
    chart: 'bar',
    order: 'snapshot',
    filters: [],
  },
  {
    id: 'geography',
    title: 'Geography by state',
    description: "Visits and distinct patients per patient's state of residence.",
    table: 'by_state',
    chart: 'bar',
    order: 'visits-desc',
    filters: [],
    wide: true,
  },
];

/** A stable id for a cell's key, in the table's dimension order. */
export const keyId = (dimensions: readonly string[], key: Record<string, string>): string =>
  JSON.stringify(dimensions.map((d) => key[d] ?? null));

/** The key shown to people: dimension values joined in display order. */
export const keyLabel = (dimensions: readonly string[], key: Record<string, string>): string =>
  dimensions.map((d) => key[d] ?? '').join(' · ');

const leadingNumber = (s: string): number => {
  const m = /^\s*(\d+(?:\.\d+)?)/.exec(s);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
};

/**
 * The table's cells in display order; never mutates its input. Suppressed cells keep their place in
 * natural orders (age bands, months) and go last, by key, when sorting by visits.
 */
export const sortCells = (table: PublishedTable, order: SortOrder): PublishedCell[] => {
  const label = (c: PublishedCell): string => keyLabel(table.dimensions, c.key);
  const byKey = (a: PublishedCell, b: PublishedCell): number => (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0);
  const cells = [...table.cells];
  switch (order) {
    case 'snapshot':
      return cells;
    case 'key':
      return cells.sort(byKey);
    case 'leading-number':
      return cells.sort((a, b) => leadingNumber(label(a)) - leadingNumber(label(b)) || byKey(a, b));
    case 'visits-desc':
      return cells.sort((a, b) => {
        const va = a.suppressed || a.visits === null ? Number.NEGATIVE_INFINITY : a.visits;
        const vb = b.suppressed || b.visits === null ? Number.NEGATIVE_INFINITY : b.visits;
        return vb - va || byKey(a, b);
      });
  }
};

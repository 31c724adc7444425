import { describe, expect, it } from 'vitest';
import { orderModels } from '../../lambdas/core/models/order-models.js';

const model = (name: string, deps: string) => ({ name: `${name}.sql`, sql: `-- depends_on: ${deps}\nselect 1;` });

describe('Function: orderModels', () => {
  it('puts every model after the models it depends on', () => {
    const ordered = orderModels([
      model('fact_visits', 'dim_patients, dim_providers'),
      model('dim_providers', 'stg_providers'),
      model('stg_providers', ''),
      model('dim_patients', 'stg_patients'),
      model('stg_patients', ''),
    ]).map((m) => m.name.replace('.sql', ''));
    for (const [before, after] of [['stg_patients', 'dim_patients'], ['stg_providers', 'dim_providers'], ['dim_patients', 'fact_visits'], ['dim_providers', 'fact_visits']]) {
      expect(ordered.indexOf(before!)).toBeLessThan(ordered.indexOf(after!));
    }
  });

  it('rejects a cycle, naming it', () => {
    expect(() => orderModels([model('a', 'b'), model('b', 'a')])).toThrow(/cycle: a -> b -> a/);
  });

  it('rejects an unknown dependency', () => {
    expect(() => orderModels([model('a', 'missing')])).toThrow(/a depends on unknown model missing/);
  });
});

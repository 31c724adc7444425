// A checksum of every warehouse table, to show that two histories left the same warehouse. Left out:
// the audit log (it records every run) and its chain head, timestamps (timestamp columns, and ISO
// instants inside JSON such as a release's releasedAt: when, not what), and surrogate keys (identity values, and the patients' serials, that a rolled-back transaction consumes); fact_visits is also
// summed with its keys resolved to the natural ids they point at.
import type { Warehouse } from '../../../lambdas/ports.js';

const EXCLUDED_TABLES = ['audit_log', 'audit_chain_head'];
const ROW_TEXT = `regexp_replace(r::text, '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})', '<instant>', 'g')`;

export async function warehouseChecksum(wh: Warehouse): Promise<Record<string, string>> {
  const tables = await wh.query<{ name: string; cols: string[] | string }>(
    `select c.relname as name, array_agg(a.attname::text order by a.attnum) as cols
     from pg_class as c
     join pg_namespace as n on n.oid = c.relnamespace and n.nspname = 'public'
     join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where c.relkind in ('r', 'p')
       and c.relname <> all ($1::text[])
       and a.attidentity = ''
       and a.atttypid not in ('timestamp'::regtype, 'timestamptz'::regtype)
       and a.attname not like '%\\_key'
       and a.attname not like '%\\_serial'
     group by c.relname
     order by c.relname`,
    [EXCLUDED_TABLES],
  );
  const out: Record<string, string> = {};
  for (const t of tables) {
    const cols = Array.isArray(t.cols) ? t.cols : parseArray(t.cols);
    const list = cols.map((c) => `"${c}"`).join(', ');
    const [row] = await wh.query<{ n: number; h: string }>(
      `select count(*)::int as n, md5(coalesce(string_agg(${ROW_TEXT}, E'\\n' order by ${ROW_TEXT}), '')) as h from (select ${list} from "${t.name}") as r`,
    );
    out[t.name] = `${row!.n}:${row!.h}`;
  }
  const [facts] = await wh.query<{ n: number; h: string }>(
    `select count(*)::int as n, md5(coalesce(string_agg(r::text, E'\\n' order by r::text), '')) as h
     from (select f.visit_id, p.patient_id, p.valid_from, r.provider_id from fact_visits as f
           join dim_patients as p on p.patient_key = f.patient_key
           join dim_providers as r on r.provider_key = f.provider_key) as r`,
  );
  out['fact_visits (keys resolved)'] = `${facts!.n}:${facts!.h}`;
  return out;
}

const parseArray = (v: string): string[] => v.replace(/^\{|\}$/g, '').split(',').filter(Boolean);

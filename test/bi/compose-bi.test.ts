// The compose file's `bi` profile (nothing here can run Docker, so its structure is checked): Metabase
// on loopback only, started after a one-shot service has set the BI login's password from a secret
// that comes from the BI_PASSWORD environment variable; no password in the file; the login it names
// is the one the migrations create, a member of hw_analyst only (its grants: test/integrity/bi-login.test.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');

interface Service {
  image: string;
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
}

describe('File: local/docker-compose.yml (bi profile)', () => {
  let text: string;
  let compose: { services: Record<string, Service>; secrets: Record<string, unknown>; volumes: Record<string, unknown> };
  let migration: string;
  beforeAll(async () => {
    text = await readFile(join(ROOT, 'local/docker-compose.yml'), 'utf8');
    compose = parse(text) as typeof compose;
    migration = await readFile(join(ROOT, 'sql/migrations/032_bi_login.sql'), 'utf8');
  });

  it('adds the bi services under their own profile and leaves the others as they were', () => {
    const profiles = Object.fromEntries(Object.entries(compose.services).map(([name, s]) => [name, s.profiles ?? []]));
    expect(profiles).toEqual({ warehouse: [], simulate: ['pipeline'], 'bi-login': ['bi'], metabase: ['bi'] });
  });

  it('runs a pinned Metabase on loopback only, after the login has its password', () => {
    const metabase = compose.services['metabase']!;
    expect(metabase.image).toMatch(/^metabase\/metabase:v\d+\.\d+\.\d+/);
    expect(metabase.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(metabase.depends_on).toEqual({ 'bi-login': { condition: 'service_completed_successfully' } });
    expect(compose.volumes).toHaveProperty('metabase-data');
  });

  it('sets the password of the login from a secret fed by BI_PASSWORD, never from the file', () => {
    expect(compose.secrets).toEqual({ bi_password: { environment: 'BI_PASSWORD' } });
    const login = compose.services['bi-login']!;
    expect(login.secrets).toEqual(['bi_password']);
    const script = login.command!.join('\n');
    expect(script).toContain('\\set pw `cat /run/secrets/bi_password`');
    expect(script).toContain("alter role hw_bi password :'pw';");
    expect(login.depends_on).toEqual({ warehouse: { condition: 'service_healthy' } });
    expect(text).not.toMatch(/BI_PASSWORD:-|BI_PASSWORD=[^']|password\s+'[^']*'/i);
    expect(Object.values(compose.services).flatMap((s) => Object.keys(s.environment ?? {}))).not.toContain('MB_DB_PASS');
  });

  it('names the login the migrations create, a member of hw_analyst only, with no password', () => {
    expect(migration).toMatch(/create role hw_bi login /);
    expect([...migration.matchAll(/grant (\w+) to hw_bi/g)].map((m) => m[1])).toEqual(['hw_analyst']);
    expect(migration).not.toMatch(/password '/i);
  });
});

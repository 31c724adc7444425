// Turns the pipeline's NOLOGIN role (011_pipeline_login.sql) into the login the Lambdas use, with the
// password from its own secret. Runs as the migrations do, as the cluster's master user (the deploy's
// custom resource); the Lambdas never see the master secret. The password travels as a SCRAM-SHA-256
// verifier (RFC 5802 / RFC 7677, stored as Postgres stores it), so neither the statement nor any log of
// it holds the password. Secrets Manager's multi-user rotation alternates between <login> and
// <login>_clone, so either name is accepted, and nothing else.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { PipelineError } from '../core/errors.js';
import type { Sql } from '../ports.js';

export const PIPELINE_LOGIN = 'hw_pipeline_login';
export const PIPELINE_GROUP = 'hw_pipeline';
const LOGIN_NAME = /^hw_pipeline_login(_[a-z0-9_]{1,40})?$/;
const SCRAM_ITERATIONS = 4096;

export interface LoginCredentials {
  username: string;
  password: string;
}

/** The verifier Postgres stores for `password` with `salt`: SCRAM-SHA-256$<i>:<salt>$<StoredKey>:<ServerKey>. */
export function scramSha256Verifier(password: string, salt: Uint8Array, iterations = SCRAM_ITERATIONS): string {
  // SASLprep leaves printable ASCII as it is; anything else would need it, so it is refused.
  if (!/^[\x21-\x7e]+$/.test(password)) throw new PipelineError('BAD_CONFIG', 'The pipeline login password must be printable ASCII without spaces.', 'Generate it with Secrets Manager (the CDK app does).');
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/**
 * Creates the login if rotation has not (its clone), makes it a member of hw_pipeline, and lets it
 * log in with the password. Refuses a name that is not the pipeline's and a role with any power
 * beyond its membership (superuser, createdb, createrole, replication, bypassrls).
 */
export async function ensurePipelineLogin(sql: Sql, login: LoginCredentials, salt: Uint8Array = randomBytes(16)): Promise<void> {
  if (!LOGIN_NAME.test(login.username)) {
    throw new PipelineError('BAD_CONFIG', `The pipeline login secret names '${login.username}', which is not ${PIPELINE_LOGIN} or its rotation clone.`, 'Point the migrations at the pipeline login secret the CDK app creates.');
  }
  const role = `"${login.username}"`;
  const [existing] = await sql.query<{ powers: string | null }>(
    `select nullif(concat_ws(',', case when rolsuper then 'superuser' end, case when rolcreatedb then 'createdb' end,
       case when rolcreaterole then 'createrole' end, case when rolreplication then 'replication' end,
       case when rolbypassrls then 'bypassrls' end), '') as powers
     from pg_roles where rolname = $1`,
    [login.username],
  );
  if (existing?.powers) {
    throw new PipelineError('BAD_CONFIG', `Role ${login.username} has ${existing.powers}; the pipeline login must have nothing but membership in ${PIPELINE_GROUP}.`, `Remove them (alter role ${login.username} no...) as the master user.`);
  }
  if (!existing) await sql.query(`create role ${role} nologin inherit`);
  const [member] = await sql.query<{ member: boolean }>(`select pg_has_role($1, '${PIPELINE_GROUP}', 'member') as member`, [login.username]);
  if (!member?.member) await sql.query(`grant ${PIPELINE_GROUP} to ${role}`);
  await sql.query(`alter role ${role} with login inherit password '${scramSha256Verifier(login.password, salt)}'`);
}

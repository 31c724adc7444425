// Data API errors as the SDK raises them (the modelled exception classes of @aws-sdk/client-rds-data),
// with the HTTP status the service answers with, so aws-sdk-client-mock callers and the HTTP front-end
// see the same names. Messages follow the service's troubleshooting page
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.troubleshooting.html).
import {
  BadRequestException,
  DatabaseErrorException,
  HttpEndpointNotEnabledException,
  SecretsErrorException,
  StatementTimeoutException,
  TransactionNotFoundException,
} from '@aws-sdk/client-rds-data';

const meta = (status: number) => ({ httpStatusCode: status, requestId: 'DATAAPIDOUBLE' });

export const badRequest = (message: string) => new BadRequestException({ message, $metadata: meta(400) });

/** An error the database raised; the message carries PostgreSQL's text and SQLSTATE as Aurora's does. */
export const databaseError = (message: string, sqlState?: string) =>
  new DatabaseErrorException({ message: sqlState ? `${message}; SQLState: ${sqlState}` : message, $metadata: meta(400) });

export const statementTimeout = (dbConnectionId: number) =>
  new StatementTimeoutException({ message: 'The execution of the SQL statement timed out.', dbConnectionId, $metadata: meta(400) });

export type TransactionEnd = 'expired' | 'ended' | 'aborted' | 'unknown';

const WHY: Record<TransactionEnd, string> = {
  expired: 'Transaction may be expired.',
  ended: 'One previous call resulted in a termination of your transaction.',
  aborted: 'Transaction has been aborted due to an error from a previous call.',
  unknown: 'Transaction may be expired.',
};

export const transactionNotFound = (id: string, why: TransactionEnd) =>
  new TransactionNotFoundException({ message: `Transaction ${id} is not found. ${WHY[why]}`, $metadata: meta(404) });

/** "If your application sends a request with a transaction ID that is currently processing another request". */
export const transactionBusy = () => databaseError('Transaction is still running a query');

export const endpointNotEnabled = (arn: string | undefined) =>
  new HttpEndpointNotEnabledException({ message: `HttpEndpoint is not enabled for resource ${arn ?? '(none)'}`, $metadata: meta(400) });

export const secretsError = (arn: string | undefined) =>
  new SecretsErrorException({ message: `Secrets Manager can't find the specified secret ${arn ?? '(none)'}.`, $metadata: meta(400) });

/** PostgreSQL's error fields, formatted the way JDBC (and so the Data API) prints them. */
export function fromPostgres(e: unknown): Error {
  const err = e as { message?: string; code?: string; detail?: string; hint?: string; position?: string; severity?: string };
  if (!err || typeof err.code !== 'string') return databaseError(`ERROR: ${err?.message ?? String(e)}`);
  const lines = [`${err.severity ?? 'ERROR'}: ${err.message}`];
  if (err.detail) lines.push(`  Detail: ${err.detail}`);
  if (err.hint) lines.push(`  Hint: ${err.hint}`);
  if (err.position) lines.push(`  Position: ${err.position}`);
  return databaseError(lines.join('\n'), err.code);
}

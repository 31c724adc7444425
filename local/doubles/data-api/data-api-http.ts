// The Data API double over HTTP, speaking the service's REST-JSON protocol (POST /Execute,
// /BatchExecute, /BeginTransaction, /CommitTransaction, /RollbackTransaction; errors named in the
// x-amzn-errortype header), so an unmodified SDK pointed at it with AWS_ENDPOINT_URL_RDS_DATA works.
// Signatures are not checked.
import type { SqlParameter } from '@aws-sdk/client-rds-data';
import { errorFields, readBody, sendJson, statusOf, type Handler } from '../http/wire.js';
import type { DataApiDouble } from './data-api-double.js';

type Operation = (double: DataApiDouble, input: never) => Promise<unknown>;

const OPERATIONS: Record<string, Operation> = {
  '/Execute': (d, i) => d.executeStatement(i),
  '/BatchExecute': (d, i) => d.batchExecuteStatement(i),
  '/BeginTransaction': (d, i) => d.beginTransaction(i),
  '/CommitTransaction': (d, i) => d.commitTransaction(i),
  '/RollbackTransaction': (d, i) => d.rollbackTransaction(i),
};

export function dataApiHttpHandler(double: DataApiDouble): Handler {
  return async (req, res) => {
    const operation = req.method === 'POST' ? OPERATIONS[new URL(req.url ?? '/', 'http://x').pathname] : undefined;
    if (!operation) return sendJson(res, 404, { message: `No Data API operation at ${req.method} ${req.url}` }, { 'x-amzn-errortype': 'NotFoundException' });
    try {
      const input = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
      decodeBlobs(input);
      sendJson(res, 200, await operation(double, input as never));
    } catch (e) {
      const name = (e as Error).name && statusOf(e) !== 500 ? (e as Error).name : 'InternalServerErrorException';
      sendJson(res, statusOf(e), { message: (e as Error).message, ...errorFields(e) }, { 'x-amzn-errortype': name });
    }
  };
}

/** blobValue arrives base64 encoded. */
function decodeBlobs(input: Record<string, unknown>): void {
  const decode = (params: SqlParameter[] | undefined) => {
    for (const p of params ?? []) {
      const blob = p.value?.blobValue as unknown;
      if (typeof blob === 'string' && p.value) p.value = { blobValue: new Uint8Array(Buffer.from(blob, 'base64')) };
    }
  };
  decode(input['parameters'] as SqlParameter[] | undefined);
  for (const set of (input['parameterSets'] as SqlParameter[][] | undefined) ?? []) decode(set);
}

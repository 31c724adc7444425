// The Secrets Manager double over HTTP (the service's JSON 1.1 protocol: POST / with
// X-Amz-Target: secretsmanager.<Operation>; errors named by __type). Only GetSecretValue.
import { errorFields, readBody, sendJson, statusOf, type Handler } from '../http/wire.js';
import type { SecretsDouble } from './secrets-double.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function secretsHttpHandler(double: SecretsDouble): Handler {
  return async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    try {
      if (req.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') {
        throw Object.assign(new Error(`The Secrets Manager double does not answer ${target || req.method}`), { name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } });
      }
      const input = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { SecretId: string };
      sendJson(res, 200, await double.getSecretValue(input), {}, CONTENT_TYPE);
    } catch (e) {
      sendJson(res, statusOf(e), { __type: (e as Error).name, message: (e as Error).message, ...errorFields(e) }, {}, CONTENT_TYPE);
    }
  };
}

// Serves a set of cloud doubles over HTTP on 127.0.0.1 (one port per service) and says how to reach
// them: the SDK's service endpoint variables (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_RDS_DATA,
// AWS_ENDPOINT_URL_SECRETS_MANAGER) with dummy credentials, so unmodified SDK clients, bundled
// handlers included, talk to the doubles. https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudDoubles } from '../cloud-doubles.js';
import { dataApiHttpHandler } from '../data-api/data-api-http.js';
import { s3HttpHandler } from '../s3/s3-http.js';
import { secretsHttpHandler } from '../secrets/secrets-http.js';
import type { Handler } from './wire.js';

export interface ServedDoubles {
  endpoints: { s3: string; rdsData: string; secretsManager: string };
  /** Environment for an SDK in this or another process. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function serveDoubles(doubles: CloudDoubles, region = 'us-east-1'): Promise<ServedDoubles> {
  const servers: Server[] = [];
  const listen = async (handler: Handler): Promise<string> => {
    const server = createServer((req, res) => {
      handler(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const endpoints = {
    s3: await listen(s3HttpHandler(doubles.s3)),
    rdsData: await listen(dataApiHttpHandler(doubles.dataApi)),
    secretsManager: await listen(secretsHttpHandler(doubles.secrets)),
  };
  return {
    endpoints,
    env: {
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_RDS_DATA: endpoints.rdsData,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'AKIADOUBLE',
      AWS_SECRET_ACCESS_KEY: 'double-secret',
    },
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

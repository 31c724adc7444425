// Small pieces the HTTP front-ends of the doubles share: reading a request body, answering JSON, and
// turning a double's error (an SDK exception carrying $metadata.httpStatusCode) into a status.
import type { IncomingMessage, ServerResponse } from 'node:http';

export async function readBody(req: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** In the JSON protocols Uint8Array values (blobValue, SecretBinary) travel as base64 and dates as epoch seconds. */
export const jsonText = (value: unknown): string =>
  JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key]; // before Date.prototype.toJSON turned it into text
    return raw instanceof Date ? raw.getTime() / 1000 : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v;
  });

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  const text = jsonText(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': 'DOUBLE', ...headers });
  res.end(text);
}

export const statusOf = (e: unknown): number => (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 500;

/** The fields of an SDK exception the wire carries besides its name and message. */
export function errorFields(e: unknown): Record<string, unknown> {
  const skip = new Set(['name', 'message', 'stack', '$metadata', '$fault', '$response', '$retryable', 'Code', 'cause']);
  return Object.fromEntries(Object.entries(e as object).filter(([k, v]) => !skip.has(k) && v !== undefined));
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

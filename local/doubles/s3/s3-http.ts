// The S3 double over HTTP, speaking S3's REST-XML protocol with path-style addressing
// (http://127.0.0.1:port/<bucket>/<key>), so an unmodified SDK pointed at it with AWS_ENDPOINT_URL_S3
// works (an IP-address endpoint makes the SDK use path-style). Signatures are not checked.
// Routes: GET object / GET ?list-type=2 / HEAD / PUT object / PUT ?partNumber&uploadId /
// POST ?uploads / POST ?uploadId / DELETE ?uploadId / DELETE object.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { readBody, statusOf, type Handler } from '../http/wire.js';
import { AwsChunkedDecoder } from './aws-chunked.js';
import type { S3Double } from './s3-double.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function s3HttpHandler(s3: S3Double): Handler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const q = url.searchParams;
    try {
      await route(s3, req, res, decodeURIComponent(bucket), key, q);
    } catch (e) {
      sendError(req, res, e, key);
    }
  };
}

async function route(s3: S3Double, req: IncomingMessage, res: ServerResponse, Bucket: string, Key: string, q: URLSearchParams): Promise<void> {
  const header = (name: string): string | undefined => (req.headers[name] as string | undefined) ?? undefined;
  switch (req.method) {
    case 'GET': {
      if (!Key) {
        if (q.get('list-type') !== '2') throw notImplemented('only ListObjectsV2 (list-type=2) is doubled');
        const out = await s3.listObjectsV2({
          Bucket,
          ...opt('Prefix', q.get('prefix')),
          ...opt('Delimiter', q.get('delimiter')),
          ...opt('ContinuationToken', q.get('continuation-token')),
          ...opt('StartAfter', q.get('start-after')),
          ...(q.has('max-keys') ? { MaxKeys: Number(q.get('max-keys')) } : {}),
        });
        return sendXml(res, 200, listXml(out, q.get('encoding-type') === 'url'));
      }
      const out = await s3.getObject({ Bucket, Key, ...opt('Range', header('range')) });
      res.writeHead(out.ContentRange ? 206 : 200, {
        'content-length': String(out.ContentLength),
        'content-type': out.ContentType ?? 'binary/octet-stream',
        etag: out.ETag ?? '',
        'last-modified': (out.LastModified as Date).toUTCString(),
        'accept-ranges': 'bytes',
        ...(out.ContentRange ? { 'content-range': out.ContentRange } : {}),
      });
      await pipeline(out.Body as unknown as Readable, res);
      return;
    }
    case 'HEAD': {
      const out = await s3.headObject({ Bucket, Key });
      res.writeHead(200, {
        'content-length': String(out.ContentLength),
        'content-type': out.ContentType ?? 'binary/octet-stream',
        etag: out.ETag ?? '',
        'last-modified': (out.LastModified as Date).toUTCString(),
        'accept-ranges': 'bytes',
      });
      res.end();
      return;
    }
    case 'PUT': {
      const Body = requestBody(req);
      if (q.has('uploadId')) {
        const out = await s3.uploadPart({ Bucket, Key, UploadId: q.get('uploadId') as string, PartNumber: Number(q.get('partNumber')), Body: Body as never });
        return sendEmpty(res, 200, { etag: out.ETag ?? '' });
      }
      const out = await s3.putObject({ Bucket, Key, Body: Body as never, ...opt('ContentType', header('content-type')), ...opt('IfNoneMatch', header('if-none-match')) });
      return sendEmpty(res, 200, { etag: out.ETag ?? '' });
    }
    case 'POST': {
      if (q.has('uploads')) {
        const out = await s3.createMultipartUpload({ Bucket, Key, ...opt('ContentType', header('content-type')) });
        return sendXml(res, 200, `<InitiateMultipartUploadResult xmlns="${NS}"><Bucket>${esc(Bucket)}</Bucket><Key>${esc(Key)}</Key><UploadId>${esc(out.UploadId ?? '')}</UploadId></InitiateMultipartUploadResult>`);
      }
      if (q.has('uploadId')) {
        const xml = (await readBody(req)).toString('utf8');
        const Parts = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
          PartNumber: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(m[1] as string)?.[1]),
          ETag: unesc(/<ETag>([\s\S]*?)<\/ETag>/.exec(m[1] as string)?.[1] ?? ''),
        }));
        const out = await s3.completeMultipartUpload({ Bucket, Key, UploadId: q.get('uploadId') as string, MultipartUpload: { Parts }, ...opt('IfNoneMatch', header('if-none-match')) });
        return sendXml(res, 200, `<CompleteMultipartUploadResult xmlns="${NS}"><Location>${esc(out.Location ?? '')}</Location><Bucket>${esc(Bucket)}</Bucket><Key>${esc(Key)}</Key><ETag>${esc(out.ETag ?? '')}</ETag></CompleteMultipartUploadResult>`);
      }
      throw notImplemented('this POST is not doubled');
    }
    case 'DELETE': {
      if (q.has('uploadId')) await s3.abortMultipartUpload({ Bucket, Key, UploadId: q.get('uploadId') as string });
      else await s3.deleteObject({ Bucket, Key });
      return sendEmpty(res, 204, {});
    }
    default:
      throw notImplemented(`${req.method} is not doubled`);
  }
}

/** The upload's bytes, decoded from aws-chunked when the SDK streamed them with a trailing checksum. */
function requestBody(req: IncomingMessage): Readable {
  const encoding = String(req.headers['content-encoding'] ?? '');
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  return encoding.includes('aws-chunked') || sha.startsWith('STREAMING-') ? req.pipe(new AwsChunkedDecoder()) : req;
}

function listXml(out: Omit<ListObjectsV2CommandOutput, '$metadata'>, urlEncoded: boolean): string {
  const k = (s: string) => esc(urlEncoded ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const contents = (out.Contents ?? [])
    .map((c) => `<Contents><Key>${k(c.Key ?? '')}</Key><LastModified>${(c.LastModified as Date).toISOString()}</LastModified><ETag>${esc(c.ETag ?? '')}</ETag><Size>${c.Size}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
    .join('');
  const prefixes = (out.CommonPrefixes ?? []).map((p) => `<CommonPrefixes><Prefix>${k(p.Prefix ?? '')}</Prefix></CommonPrefixes>`).join('');
  const tag = (name: string, v: unknown) => (v === undefined ? '' : `<${name}>${esc(String(v))}</${name}>`);
  return (
    `<ListBucketResult xmlns="${NS}">${tag('Name', out.Name)}<Prefix>${k(out.Prefix ?? '')}</Prefix>${tag('Delimiter', out.Delimiter)}` +
    `${tag('MaxKeys', out.MaxKeys)}${tag('KeyCount', out.KeyCount)}${tag('IsTruncated', out.IsTruncated)}${urlEncoded ? '<EncodingType>url</EncodingType>' : ''}` +
    `${tag('ContinuationToken', out.ContinuationToken)}${tag('NextContinuationToken', out.NextContinuationToken)}${tag('StartAfter', out.StartAfter)}` +
    `${contents}${prefixes}</ListBucketResult>`
  );
}

function sendXml(res: ServerResponse, status: number, body: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text), 'x-amz-request-id': 'S3DOUBLE' });
  res.end(text);
}

function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-length': '0', 'x-amz-request-id': 'S3DOUBLE', ...headers });
  res.end();
}

/** S3's error document; a HEAD answer carries no body, so the SDK names it by status (NotFound). */
function sendError(req: IncomingMessage, res: ServerResponse, e: unknown, key: string): void {
  const status = statusOf(e);
  if (res.headersSent) return void res.destroy(e as Error);
  const code = (e as { Code?: string }).Code ?? (status === 500 ? 'InternalError' : (e as Error).name);
  if (req.method === 'HEAD') return sendEmpty(res, status, {});
  sendXml(res, status, `<Error><Code>${esc(code)}</Code><Message>${esc((e as Error).message)}</Message>${key ? `<Key>${esc(key)}</Key>` : ''}<RequestId>S3DOUBLE</RequestId></Error>`);
}

const notImplemented = (what: string) => Object.assign(new Error(`The S3 double: ${what}`), { name: 'NotImplemented', Code: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
const opt = <K extends string>(name: K, v: string | null | undefined): Partial<Record<K, string>> => (v === null || v === undefined ? {} : ({ [name]: v } as Record<K, string>));
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const unesc = (s: string): string => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// The shape the AWS SDK v3 gives GetObject's Body in Node: a Readable with transformToString,
// transformToByteArray and transformToWebStream, each usable once (a second call throws, as the SDK's
// own sdkStreamMixin does). Written here so the double's Body is what adapters really receive.
import { Readable } from 'node:stream';

export interface SdkStream extends Readable {
  transformToString(encoding?: BufferEncoding): Promise<string>;
  transformToByteArray(): Promise<Uint8Array>;
  transformToWebStream(): ReadableStream<Uint8Array>;
}

export function sdkStream(stream: Readable): SdkStream {
  let transformed = false;
  const once = (): void => {
    if (transformed) throw new Error('The stream has already been transformed.');
    transformed = true;
  };
  const bytes = async (): Promise<Uint8Array> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return new Uint8Array(Buffer.concat(chunks));
  };
  return Object.assign(stream, {
    async transformToString(encoding: BufferEncoding = 'utf8') {
      once();
      return Buffer.from(await bytes()).toString(encoding);
    },
    async transformToByteArray() {
      once();
      return bytes();
    },
    transformToWebStream() {
      once();
      return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
    },
  });
}

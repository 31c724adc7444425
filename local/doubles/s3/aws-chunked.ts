// Decodes an aws-chunked request body (what the SDK sends for streaming uploads with a trailing
// checksum, or with signed chunks): "<hex size>[;chunk-signature=...]\r\n<bytes>\r\n" repeated, a zero
// chunk, then trailer lines. https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
import { Transform, type TransformCallback } from 'node:stream';

export class AwsChunkedDecoder extends Transform {
  private buffer = Buffer.alloc(0);
  private remaining = 0;
  private state: 'size' | 'data' | 'crlf' | 'trailer' = 'size';

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    try {
      this.drain();
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    done(this.state === 'trailer' ? null : new Error('aws-chunked body ended inside a chunk'));
  }

  private drain(): void {
    for (;;) {
      if (this.state === 'size') {
        const eol = this.buffer.indexOf('\r\n');
        if (eol === -1) return;
        const size = parseInt(this.buffer.subarray(0, eol).toString('latin1').split(';')[0] as string, 16);
        if (Number.isNaN(size)) throw new Error('aws-chunked body has a malformed chunk size');
        this.buffer = this.buffer.subarray(eol + 2);
        this.remaining = size;
        this.state = size === 0 ? 'trailer' : 'data';
      } else if (this.state === 'data') {
        if (this.buffer.length === 0) return;
        const take = Math.min(this.remaining, this.buffer.length);
        this.push(this.buffer.subarray(0, take));
        this.buffer = this.buffer.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'crlf';
      } else if (this.state === 'crlf') {
        if (this.buffer.length < 2) return;
        this.buffer = this.buffer.subarray(2);
        this.state = 'size';
      } else {
        this.buffer = Buffer.alloc(0); // trailer lines (checksums): accepted, not verified
        return;
      }
    }
  }
}

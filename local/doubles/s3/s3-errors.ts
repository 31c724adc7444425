// S3 errors as the SDK raises them: the modelled exception class where the SDK has one (NoSuchKey,
// NoSuchBucket, NotFound, NoSuchUpload), otherwise an S3ServiceException carrying the service's error
// code as its name, with the HTTP status S3 answers with.
// Codes and statuses: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
import { NoSuchBucket, NoSuchKey, NoSuchUpload, NotFound, S3ServiceException } from '@aws-sdk/client-s3';

type Modelled = typeof NoSuchKey | typeof NoSuchBucket | typeof NotFound | typeof NoSuchUpload;
const MODELLED: Record<string, Modelled> = { NoSuchKey, NoSuchBucket, NotFound, NoSuchUpload };

export function s3Error(code: string, status: number, message: string, extra: Record<string, string> = {}): S3ServiceException {
  const $metadata = { httpStatusCode: status, requestId: 'S3DOUBLE' };
  const Modelled = MODELLED[code];
  const error = Modelled
    ? new Modelled({ message, $metadata })
    : new S3ServiceException({ name: code, $fault: status >= 500 ? 'server' : 'client', message, $metadata });
  return Object.assign(error, extra, { Code: code });
}

export const noSuchBucket = (bucket: string) => s3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });
export const noSuchKey = (key: string) => s3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });
/** HeadObject has no body to carry a code: the SDK names a 404 answer NotFound. */
export const headNotFound = () => s3Error('NotFound', 404, 'Not Found');
export const noSuchUpload = (uploadId: string) =>
  s3Error('NoSuchUpload', 404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
export const invalidArgument = (message: string) => s3Error('InvalidArgument', 400, message);
export const preconditionFailed = () => s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');

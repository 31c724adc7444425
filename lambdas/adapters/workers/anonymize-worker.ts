// Worker thread entry for the anonymize step's chunks: the stores are local folders (FsBlobStore).
import { anonymizeChunkJob } from '../../steps/io/anonymize-chunk.js';
import { FsBlobStore } from '../local/fs-blob-store.js';
import { serveChunkJobs, type AnyChunkJob } from './serve-chunk-jobs.js';

serveChunkJobs([anonymizeChunkJob((root) => new FsBlobStore(root)) as AnyChunkJob]);

// Worker thread entry for the anonymize step's chunks (planning, census and anonymisation): the stores are local
// folders (FsBlobStore).
import { anonymizeChunkJob } from '../../steps/io/anonymize-chunk.js';
import { censusChunkJob } from '../../steps/io/census-chunk.js';
import { planFileJob } from '../../steps/io/plan-file.js';
import { FsBlobStore } from '../local/fs-blob-store.js';
import { serveChunkJobs, type AnyChunkJob } from './serve-chunk-jobs.js';

const openStore = (root: string) => new FsBlobStore(root);
serveChunkJobs([planFileJob(openStore) as AnyChunkJob, anonymizeChunkJob(openStore) as AnyChunkJob, censusChunkJob(openStore) as AnyChunkJob]);

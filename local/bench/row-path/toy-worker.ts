// Worker entry for the row-path benchmark's chunk runner: serves the toy chunk job.
import { serveChunkJobs } from '../../../lambdas/adapters/workers/serve-chunk-jobs.js';
import { pseudonymiseChunk } from './toy-job.js';

serveChunkJobs([pseudonymiseChunk]);

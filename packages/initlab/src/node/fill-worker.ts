/**
 * Worker thread of initlab/node's parallel fills: takes tasks of each job it is sent until none is left (see
 * parallel.ts). Errors are counted in the job's control words and rethrown, which ends the worker and reports the
 * error to the calling thread.
 */
import { parentPort } from 'node:worker_threads';
import { type FillJob, workOn } from './parallel.ts';

parentPort?.on('message', (job: FillJob) => workOn(job));

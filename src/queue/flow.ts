/**
 * Fan-out with BullMQ flows: children and a parent that BullMQ runs only once every child is
 * done. Children ignore their own failures as far as the parent is concerned
 * (`ignoreDependencyOnFailure`): one broken component never blocks the report of the others.
 * Adding the same flow twice (a retried fan-out job) adds nothing: the parent's id is checked first.
 */
import { FlowProducer, Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { TerminalError, TransientError } from '../domain/errors.js';
import { DEFAULT_JOB_OPTIONS, producerRedisOptions } from './enqueue.js';
import { jobId } from './job-id.js';
import { JobRequest, queueFor } from './jobs.js';

export interface FlowEnqueuer {
  enqueueFlow(parent: JobRequest, children: readonly JobRequest[]): Promise<'added' | 'exists'>;
  close(): Promise<void>;
}

export function createFlowEnqueuer(connection: string | RedisOptions, options: { prefix?: string } = {}): FlowEnqueuer {
  const redisOptions = producerRedisOptions(typeof connection === 'string' ? {} : connection);
  const redis = typeof connection === 'string' ? new Redis(connection, redisOptions) : new Redis(redisOptions);
  redis.on('error', () => undefined);
  const prefix = options.prefix ?? 'bull';
  const flows = new FlowProducer({ connection: redis, prefix });
  flows.on('error', () => undefined);
  const queues = new Map<string, Queue>();
  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = new Queue(name, { connection: redis, prefix })));
    return q;
  };
  const valid = (job: JobRequest) => {
    const checked = JobRequest.safeParse(job);
    if (!checked.success) throw new TerminalError(`invalid job request: ${checked.error.issues[0]?.message ?? 'unknown'}`);
    return checked.data;
  };
  const { removeOnComplete, removeOnFail, attempts, backoff } = DEFAULT_JOB_OPTIONS;
  return {
    async enqueueFlow(parent, children) {
      const p = valid(parent);
      const kids = children.map(valid);
      try {
        const parentId = jobId(p);
        if (await queue(queueFor(p)).getJob(parentId)) return 'exists';
        await flows.add({
          name: p.kind, queueName: queueFor(p), data: p,
          opts: { jobId: parentId, ...(removeOnComplete !== undefined ? { removeOnComplete } : {}), ...(removeOnFail !== undefined ? { removeOnFail } : {}), ...(attempts ? { attempts } : {}), ...(backoff ? { backoff } : {}) },
          children: kids.map((c) => ({
            name: c.kind, queueName: queueFor(c), data: c,
            opts: { jobId: jobId(c), ignoreDependencyOnFailure: true, ...(removeOnComplete !== undefined ? { removeOnComplete } : {}), ...(attempts ? { attempts } : {}), ...(backoff ? { backoff } : {}), ...(removeOnFail !== undefined ? { removeOnFail } : {}) },
          })),
        });
        return 'added';
      } catch (err) {
        throw new TransientError('enqueue of a flow failed', { cause: err });
      }
    },
    async close() {
      await flows.close();
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
    },
  };
}

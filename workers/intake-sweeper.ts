// Re-enqueues applications stuck in RECEIVED: the web server stores an application, then enqueues it;
// a crash or a Redis outage between the two must not leave the applicant waiting forever.
import type { Queue } from 'bullmq';
import type { Db } from '../lib/db';
import type { IntakeJob } from '../lib/queues';

export async function sweepStalledApplications(db: Db, queue: Queue<IntakeJob>, olderThanMs = 120_000): Promise<number> {
  const stalled = await db.application.findMany({
    where: { status: 'RECEIVED', createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: 1000,
  });
  let requeued = 0;
  for (const { id } of stalled) {
    const job = await queue.getJob(id);
    if (!job) {
      await queue.add('start', { applicationId: id }, { jobId: id });
      requeued += 1;
    } else if (await job.isFailed()) {
      // Gave up after its retries (Temporal was down for long): try again now.
      await job.retry();
      requeued += 1;
    }
    // A waiting, active or completed job will start (or has started) the workflow already.
  }
  return requeued;
}

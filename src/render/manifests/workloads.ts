/**
 * The workload of a component:
 * - services, web apps and event handlers run as a Deployment (`apps/v1`);
 * - a scheduled task is a CronJob (`batch/v1`) on its schedule, in UTC, never two runs at once;
 * - a manual task is a suspended CronJob whose schedule never fires (February 31st): a template
 *   that `kubectl create job --from=cronjob/<name>` (and later pave) starts on demand. A Job in
 *   the state repository instead would run on every sync and could not be updated in place,
 *   since a Job's pod template is immutable;
 * - an API proxy runs nothing of its own (the gateway serves it), so it has no workload.
 */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { DesiredState } from '../../domain/plan.js';
import { objectMetadata, selectorLabels, standardLabels, workloadName } from './labels.js';

/** A cron schedule that never fires: what a manual task's CronJob carries. */
export const NEVER = '0 0 31 2 *';
/** The time zone schedules are read in. */
export const SCHEDULE_TIME_ZONE = 'Etc/UTC';

export function deploymentFor(d: DesiredState, template: IPodTemplateSpec): IDeployment & { metadata: { name: string } } {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMetadata(d, workloadName(d)),
    spec: {
      replicas: d.workload.replicas,
      selector: { matchLabels: selectorLabels(d) },
      template,
    },
  };
}

export function cronJobFor(d: DesiredState, template: IPodTemplateSpec): ICronJob & { metadata: { name: string } } {
  const manual = d.workload.type === 'manual-task';
  if (!manual && !d.workload.schedule) throw new Error(`scheduled task ${d.component} has no schedule in ${d.environment}`);
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: objectMetadata(d, workloadName(d)),
    spec: {
      schedule: manual ? NEVER : d.workload.schedule!,
      timeZone: SCHEDULE_TIME_ZONE,
      ...(manual ? { suspend: true } : {}),
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: standardLabels(d) },
        spec: { backoffLimit: 2, template },
      },
    },
  };
}

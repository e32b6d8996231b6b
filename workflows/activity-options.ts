// Timeouts and retry policies of every activity, in one place.
// Rails and the registry are retried without limit (an outage delays money, it must not drop it);
// errors named in nonRetryableErrorTypes are permanent and go to a person instead.
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

const PERMANENT = [
  'ApplicationNotFound',
  'NotVerified',
  'NoRuleSet',
  'CycleNotApproved',
  'BatchNotFound',
  'ControlTotalsExceeded',
  'BankRejectedMessage',
  'RegistryRefusedRequest',
];

/** Reads and writes in our own database. */
export const databaseStep: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: PERMANENT },
};

/**
 * Short reads and writes in our own database, run as local activities: one marker event in the history
 * instead of three, and no round trip through a task queue (a million applications is many steps).
 * Their results are recorded only when the workflow task completes; a task the server refuses (a signal
 * arrived meanwhile) runs them again. So a local activity must give the same answer when run again:
 * memoize decisions in the row, and read facts that never turn back (an appeal task exists, a review is
 * decided), never ones the workflow itself moves on (an application's status).
 */
export const localDatabaseStep: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: PERMANENT },
};

/** Calls to the social registry and the payment rails (HTTP, slow, failing). */
export const externalCall: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: PERMANENT },
};

/**
 * Sends to and status reads from the payment rails. The activity heartbeats while it waits on the rail, so
 * an attempt lost with a crashed worker is retried after 15 s, not after the whole timeout.
 */
export const railCall: ActivityOptions = {
  ...externalCall,
  heartbeatTimeout: '15 seconds',
};

/** Long steps that page through a whole cycle; the heartbeat lets a crashed worker's attempt be retried soon. */
export const cycleScan: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: PERMANENT },
};

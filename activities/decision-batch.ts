// Activities of the DecisionBatchWorkflow: a batch of applications verified with one registry search,
// checked against the eligibility rules in code, deduplicated in SQL, and decided, rule results, review
// cases, audit entries and messages included, in one transaction. Each takes the batch's ID and is safe
// to run twice: it acts only on the batch's applications still VERIFYING, and reads what it decided.
import type { Queue } from 'bullmq';
import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../lib/config';
import { Prisma, type Db } from '../lib/db';
import { personalData, type PersonalData } from '../lib/personal-data';
import { hashKeys } from '../lib/pii';
import type { NotificationJob } from '../lib/queues';
import { evaluateEligibility } from '../domain/eligibility';
import type { ApplicantEvent } from '../domain/applicant-events';
import type { ReasonCode } from '../domain/reason-codes';
import { accountCheckReason, type AccountCheckOutcome } from '../domain/account-check';
import type { RegistryClient } from './clients/registry-client';
import { enrolmentFacts, registryFacts, suspendIfDisputed, verification, type Assessment, type RegistryFacts } from './application';
import { duplicateCandidates, exactDuplicates, hashVersions, type Candidate } from './deduplication';
import { notificationData, queueNotifications } from './notification';
import { latestRuleSets } from './rule-sets';

const ACTOR = 'system:decision-batch';
const DAY_MS = 24 * 3600_000;

export interface DecisionBatchSummary {
  batchId: string;
  size: number;
  enrolled: number;
  rejected: number;
  toReview: number;
}

/** A batch's application as stored: its national ID, phone and facts sealed. */
interface StoredBatchApplication {
  id: string;
  number: string;
  program_id: string;
  national_id: string;
  national_id_hash: string;
  /** Sealed; null once erased. */
  phone: string | null;
  language: string;
  registry_facts: string | null;
  assessment: Assessment | null;
  payment_account_id: string;
  account_key: string;
  /** The rail's answer on the account (activities/account-checks.ts); null if it was not asked. */
  check_outcome: AccountCheckOutcome | null;
  program_name: string;
  appeal_window_days: number;
}

/** Opened for the rules and the enrolment: the facts, and the national ID's last digit (the payment wave). */
type BatchApplication = Omit<StoredBatchApplication, 'registry_facts'> & { registry_facts: RegistryFacts | null };

function openBatchApplication(pd: PersonalData, app: StoredBatchApplication): BatchApplication {
  return {
    ...app,
    national_id: pd.open('application.national_id', app.national_id),
    registry_facts: app.registry_facts === null ? null : pd.openJson<RegistryFacts>('application.registry_facts', app.registry_facts),
  };
}

interface Decision {
  app: BatchApplication;
  status: 'ENROLLED' | 'REJECTED' | 'NEEDS_REVIEW';
  /** Who a NEEDS_REVIEW waits for: a reviewer (probable duplicate) or the applicant's account (ACCOUNT). */
  review?: 'DUPLICATE' | 'ACCOUNT';
  reasonCodes: ReasonCode[];
  assessment: Assessment;
  ruleSetId: string | null;
  ruleResults: unknown;
}

/** `{"a":1}` text for `jsonb_to_recordset`, which turns a whole batch into rows in one parameter. */
const rowsJson = (rows: object[]) => JSON.stringify(rows);
/** The batch's applications, as a subquery: the planner starts from the batch (indexed), not the other table. */
const inBatch = (batchId: string) => Prisma.sql`SELECT id FROM application WHERE decision_batch_id = ${batchId}::uuid`;

export function createDecisionBatchActivities(deps: {
  db: Db;
  config: Pick<Config, 'PII_MASTER_KEYS' | 'PII_HASH_KEYS'>;
  registry: RegistryClient;
  notifications: Queue<NotificationJob>;
  today: () => string;
  statusUrl?: string;
}) {
  const { db, registry } = deps;

  /** Rules in code, then exact duplicates (against the program, then within the batch), then probable ones. */
  async function decide(
    tx: Prisma.TransactionClient,
    pd: PersonalData,
    apps: BatchApplication[],
  ): Promise<{ decisions: Decision[]; candidates: Candidate[] }> {
    const sets = await latestRuleSets(tx, [...new Set(apps.map((a) => a.program_id))]);
    const decisions: Decision[] = apps.map((app) => {
      const verdict = { app, reasonCodes: [] as ReasonCode[], ruleSetId: null as string | null, ruleResults: null as unknown };
      // Refused by the registry check: the assessment was written then.
      if (app.assessment?.outcome === 'REJECT')
        return { ...verdict, status: 'REJECTED', reasonCodes: app.assessment.reasonCodes, assessment: app.assessment };
      const set = sets.get(app.program_id);
      if (!set || !app.registry_facts)
        throw ApplicationFailure.nonRetryable(
          `batch application has no ${set ? 'registry facts' : 'rule set'}`,
          set ? 'NotVerified' : 'NoRuleSet',
        );
      const eligibility = evaluateEligibility(set.rules, app.registry_facts, deps.today());
      const base = { ...verdict, ruleSetId: set.id, ruleResults: eligibility.results };
      if (!eligibility.eligible) {
        const assessment: Assessment = { outcome: 'REJECT', reasonCodes: eligibility.reasonCodes };
        return { ...base, status: 'REJECTED', reasonCodes: eligibility.reasonCodes, assessment };
      }
      return { ...base, status: 'ENROLLED', assessment: { outcome: 'ENROLL' } };
    });
    const reject = (d: Decision, codes: ReasonCode[]) =>
      Object.assign(d, { status: 'REJECTED', reasonCodes: codes, assessment: { outcome: 'REJECT', reasonCodes: codes } });

    const eligible = () => decisions.filter((d) => d.status !== 'REJECTED');
    // During a hash key rotation, also compared with what older keys stored (activities/deduplication.ts).
    const versions = await hashVersions(
      tx,
      pd,
      hashKeys(deps.config),
      eligible().map((d) => d.app.id),
    );
    const exact = await exactDuplicates(
      tx,
      eligible().map((d) => d.app.id),
      versions,
    );
    /** An application's account key under the first hash key, whichever key it was stored under. */
    const currentKeys = new Map(versions.rows.map((v) => [v.id, v.account_keys[0]]));
    // Within the batch, the first application (they are in arrival order) keeps the household and the account.
    const taken = new Set<string>();
    for (const d of eligible()) {
      const codes = [...(exact.get(d.app.id) ?? [])];
      const household = `${d.app.program_id}:household:${d.app.registry_facts!.householdId}`;
      const account = `${d.app.program_id}:account:${currentKeys.get(d.app.id) ?? d.app.account_key}`;
      if (taken.has(household) && !codes.includes('DUPLICATE_HOUSEHOLD')) codes.push('DUPLICATE_HOUSEHOLD');
      if (taken.has(account) && !codes.includes('ACCOUNT_IN_USE')) codes.push('ACCOUNT_IN_USE');
      if (codes.length > 0) {
        reject(d, codes);
        continue;
      }
      taken.add(household).add(account);
    }

    const rejectedHere = new Set(decisions.filter((d) => d.status === 'REJECTED').map((d) => d.app.id));
    const candidates = await duplicateCandidates(
      tx,
      pd,
      eligible().map((d) => d.app.id),
      rejectedHere,
      versions,
    );
    const toReview = new Set(candidates.filter((c) => c.kind === 'PROBABLE_PERSON').map((c) => c.applicationId));
    for (const d of eligible()) {
      // An account its rail did not confirm is not paid without a look; the reviewer of a probable
      // duplicate sees its reason too. Not asked (a batch started before accounts were checked): decided as before.
      const accountReason = d.app.check_outcome ? accountCheckReason(d.app.check_outcome) : null;
      const reasonCodes: ReasonCode[] = accountReason ? [accountReason] : [];
      if (toReview.has(d.app.id))
        Object.assign(d, { status: 'NEEDS_REVIEW', review: 'DUPLICATE', reasonCodes, assessment: { outcome: 'REVIEW' } });
      else if (accountReason)
        Object.assign(d, { status: 'NEEDS_REVIEW', review: 'ACCOUNT', reasonCodes, assessment: { outcome: 'REVIEW' } });
    }
    return { decisions, candidates };
  }

  /** Enrols in one statement; one that loses a race with another batch for its household or account is refused. */
  async function enrol(tx: Prisma.TransactionClient, decisions: Decision[]): Promise<void> {
    const enrolling = decisions.filter((d) => d.status === 'ENROLLED');
    if (enrolling.length === 0) return;
    const rows = enrolling.map(({ app }) => ({
      program_id: app.program_id,
      application_id: app.id,
      national_id_hash: app.national_id_hash,
      payment_account_id: app.payment_account_id,
      account_key: app.account_key,
      ...((f) => ({ household_id: f.householdId, dependants: f.dependants, id_last_digit: f.idLastDigit }))(
        enrolmentFacts(app.registry_facts!, app.national_id, deps.today()),
      ),
    }));
    const inserted = await tx.$queryRaw<Array<{ application_id: string }>>`
      INSERT INTO beneficiary (id, program_id, application_id, national_id_hash, household_id, payment_account_id, account_key, dependants, id_last_digit, status, enrolled_at)
      SELECT gen_random_uuid(), v.program_id, v.application_id, v.national_id_hash, v.household_id, v.payment_account_id, v.account_key, v.dependants, v.id_last_digit, 'ACTIVE', now() AT TIME ZONE 'UTC'
      FROM jsonb_to_recordset(${rowsJson(rows)}::jsonb) AS v(program_id uuid, application_id uuid, national_id_hash text, household_id text,
        payment_account_id uuid, account_key text, dependants int, id_last_digit int)
      ON CONFLICT DO NOTHING
      RETURNING application_id`;
    await suspendIfDisputed(
      tx,
      inserted.map((r) => r.application_id),
    );
    const won = new Set(inserted.map((r) => r.application_id));
    const lost = enrolling.filter((d) => !won.has(d.app.id));
    if (lost.length === 0) return;
    const why = await exactDuplicates(
      tx,
      lost.map((d) => d.app.id),
    );
    for (const d of lost) {
      const codes = (why.get(d.app.id) ?? []).filter((c) => c !== 'PHONE_SHARED_TOO_OFTEN');
      const reasonCodes: ReasonCode[] = codes.length ? codes : ['DUPLICATE_HOUSEHOLD'];
      Object.assign(d, { status: 'REJECTED', reasonCodes, assessment: { outcome: 'REJECT', reasonCodes } });
    }
  }

  /** Writes every decision, with its rule results, review task, candidates, audit entry and message. */
  async function record(tx: Prisma.TransactionClient, pd: PersonalData, decisions: Decision[], candidates: Candidate[]): Promise<void> {
    const now = new Date();
    const deadline = (d: Decision) => (d.status === 'REJECTED' ? new Date(now.getTime() + d.app.appeal_window_days * DAY_MS) : null);
    const rows = decisions.map((d) => ({
      id: d.app.id,
      status: d.status,
      reason_codes: d.reasonCodes,
      assessment: d.assessment,
      rule_set_id: d.ruleSetId,
      rule_results: d.ruleResults,
      decided_at: d.status === 'NEEDS_REVIEW' ? null : now.toISOString(),
      appeal_deadline: deadline(d)?.toISOString() ?? null,
    }));
    await tx.$executeRaw`
      UPDATE application a SET status = v.status::"ApplicationStatus", reason_codes = v.reason_codes, assessment = v.assessment,
        rule_set_id = v.rule_set_id, rule_results = v.rule_results,
        decided_at = v.decided_at AT TIME ZONE 'UTC', appeal_deadline = v.appeal_deadline AT TIME ZONE 'UTC'
      FROM jsonb_to_recordset(${rowsJson(rows)}::jsonb) AS v(id uuid, status text, reason_codes text[], assessment jsonb, rule_set_id uuid,
        rule_results jsonb, decided_at timestamptz, appeal_deadline timestamptz)
      WHERE a.id = v.id AND a.status = 'VERIFYING'`;
    await tx.duplicateCandidate.createMany({
      data: candidates.map(({ applicationId, candidateApplicationId, kind, similarity }) => ({
        applicationId,
        candidateApplicationId,
        kind,
        similarity,
      })),
      skipDuplicates: true,
    });
    const review = decisions.filter((d) => d.status === 'NEEDS_REVIEW');
    await tx.reviewTask.createMany({
      data: review.map((d) => ({ applicationId: d.app.id, kind: d.review ?? 'DUPLICATE' })),
      skipDuplicates: true,
    });
    const action = { ENROLLED: 'application.enrolled', REJECTED: 'application.rejected', NEEDS_REVIEW: 'application.sent_to_review' };
    // The two inserts of a row per application are set-based, as the updates: one JSON parameter, not a
    // statement built and bound with ten thousand parameters.
    const audit = decisions.map((d) => ({
      entity_id: d.app.id,
      action: action[d.status],
      details: d.reasonCodes.length > 0 ? { reasonCodes: d.reasonCodes } : {},
    }));
    await tx.$executeRaw`
      INSERT INTO audit_event (at, actor, action, entity_type, entity_id, details)
      SELECT ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC', ${ACTOR}, v.action, 'application', v.entity_id, v.details
      FROM jsonb_to_recordset(${rowsJson(audit)}::jsonb) AS v(entity_id text, action text, details jsonb)`;
    const event = (d: Decision): ApplicantEvent => {
      if (d.status === 'REJECTED')
        return { kind: 'DECISION', status: 'REJECTED', reasonCodes: d.reasonCodes, appealDeadline: deadline(d)!.toISOString() };
      // The applicant can act on this one: give another account.
      if (d.review === 'ACCOUNT')
        return { kind: 'ACCOUNT_NOT_CONFIRMED', reasonCodes: d.reasonCodes, account: d.app.account_key.slice(0, 16) };
      return { kind: 'DECISION', status: d.status };
    };
    const messages = decisions.map((d) =>
      notificationData(
        pd,
        {
          id: d.app.id,
          number: d.app.number,
          phone: d.app.phone,
          language: d.app.language,
          ruleResults: d.ruleResults,
          programName: d.app.program_name,
        },
        event(d),
        deps.statusUrl,
      ),
    );
    await tx.$executeRaw`
      INSERT INTO notification (id, application_id, event_key, channel, recipient, language, body, status, attempts, created_at)
      SELECT gen_random_uuid(), v."applicationId", v."eventKey", v.channel, v.recipient, v.language, v.body, 'QUEUED', 0, ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
      FROM jsonb_to_recordset(${rowsJson(messages)}::jsonb)
        AS v("applicationId" uuid, "eventKey" text, channel text, recipient text, language text, body text)
      ON CONFLICT (application_id, event_key) DO NOTHING`;
  }

  return {
    /** One registry search for the batch's applications not yet verified; the outcome is stored on each. */
    async verifyBatch(batchId: string): Promise<{ verified: number; refused: number }> {
      const stored = await db.$queryRaw<Array<{ id: string; national_id: string; full_name: string; date_of_birth: string }>>`
        SELECT id, national_id, full_name, date_of_birth FROM application
        WHERE decision_batch_id = ${batchId}::uuid AND status = 'VERIFYING' AND registry_facts IS NULL AND assessment IS NULL`;
      if (stored.length === 0) return { verified: 0, refused: 0 };
      // Opened for the registry, which is asked by national ID and answers with the name and birth date to compare.
      const pd = await personalData(deps);
      const apps = stored.map((a) => ({
        id: a.id,
        national_id: pd.open('application.national_id', a.national_id),
        full_name: pd.open('application.full_name', a.full_name),
        date_of_birth: pd.open('application.date_of_birth', a.date_of_birth),
      }));
      const records = await registry.searchPersons(apps.map((a) => ({ referenceId: a.id, nationalId: a.national_id })));
      const rows = apps.map((a) => {
        const record = records.get(a.id) ?? null;
        const refused = verification({ fullName: a.full_name, dateOfBirth: a.date_of_birth }, record);
        if (refused || !record)
          return {
            id: a.id,
            facts: null,
            household_id: null,
            municipality_code: null,
            assessment: { outcome: 'REJECT', reasonCodes: [refused] },
          };
        const facts = registryFacts(record, a.national_id);
        return {
          id: a.id,
          facts: pd.sealJson('application.registry_facts', facts),
          household_id: facts.householdId,
          municipality_code: facts.municipalityCode,
          assessment: null,
        };
      });
      await db.$executeRaw`
        UPDATE application a SET registry_facts = v.facts, household_id = v.household_id, municipality_code = v.municipality_code,
          assessment = v.assessment
        FROM jsonb_to_recordset(${rowsJson(rows)}::jsonb) AS v(id uuid, facts text, household_id text, municipality_code text, assessment jsonb)
        WHERE a.id = v.id AND a.status = 'VERIFYING'`;
      const refused = rows.filter((r) => r.assessment).length;
      return { verified: rows.length - refused, refused };
    },

    /**
     * Decides the batch in one transaction; returns the applications waiting for a reviewer (toReview) or
     * for their account (accountReview), this run's or an earlier one's.
     */
    async decideBatch(batchId: string): Promise<{ toReview: string[]; accountReview: string[] }> {
      await db.$transaction(
        async (tx) => {
          const stored = await tx.$queryRaw<StoredBatchApplication[]>`
            SELECT a.id, a.number, a.program_id, a.national_id, a.national_id_hash, a.phone, a.language, a.registry_facts, a.assessment,
              pa.id AS payment_account_id, pa.account_key, pa.check_outcome::text AS check_outcome, p.name AS program_name, p.appeal_window_days
            FROM application a JOIN payment_account pa ON pa.application_id = a.id JOIN program p ON p.id = a.program_id
            WHERE a.decision_batch_id = ${batchId}::uuid AND a.status = 'VERIFYING'
            ORDER BY a.created_at, a.id
            FOR UPDATE OF a`;
          if (stored.length === 0) return;
          const pd = await personalData(deps);
          const { decisions, candidates } = await decide(
            tx,
            pd,
            stored.map((a) => openBatchApplication(pd, a)),
          );
          await enrol(tx, decisions);
          await record(tx, pd, decisions, candidates);
        },
        { timeout: 60_000, maxWait: 10_000 },
      );
      const review = await db.$queryRaw<Array<{ application_id: string; kind: string }>>`
        SELECT application_id, kind::text FROM review_task
        WHERE application_id IN (${inBatch(batchId)}) AND kind IN ('DUPLICATE', 'ACCOUNT') AND status = 'OPEN'`;
      const of = (kind: string) => review.filter((r) => r.kind === kind).map((r) => r.application_id);
      return { toReview: of('DUPLICATE'), accountReview: of('ACCOUNT') };
    },

    /** Queues the batch's messages not yet sent (queued once each: the job ID is the notification's). */
    async notifyBatch(batchId: string): Promise<number> {
      const queued = await db.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM notification WHERE application_id IN (${inBatch(batchId)}) AND status = 'QUEUED'`;
      await queueNotifications(
        deps.notifications,
        queued.map((n) => n.id),
      );
      return queued.length;
    },

    /** Records the batch's outcome and frees its place in the dispatchers' window. */
    async finishDecisionBatch(batchId: string): Promise<DecisionBatchSummary> {
      const counts = await db.application.groupBy({ by: ['status'], where: { decisionBatchId: batchId }, _count: true });
      const count = (...statuses: string[]) => counts.filter((c) => statuses.includes(c.status)).reduce((n, c) => n + c._count, 0);
      const summary = {
        enrolled: count('ENROLLED'),
        rejected: count('REJECTED', 'APPEALED'),
        toReview: (
          await db.$queryRaw<Array<{ n: number }>>`
            SELECT count(*)::int AS n FROM review_task WHERE application_id IN (${inBatch(batchId)}) AND kind IN ('DUPLICATE', 'ACCOUNT')`
        )[0]!.n,
      };
      const batch = await db.decisionBatch.update({
        where: { id: batchId },
        data: { ...summary, finishedAt: new Date() },
        select: { size: true },
      });
      return { batchId, size: batch.size, ...summary };
    },
  };
}

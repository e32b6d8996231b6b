// DDL of the wallet provider's own tables (prefixed wallet_). Idempotent: run at every start.
// Every row carries the simulator instance: parallel test files share the database, and each
// simulated provider sees, settles and deduplicates only its own batches.
import { outboxDeliveryColumns } from '../shared/outbox-table';

export const WALLET_SCHEMA = `
CREATE TABLE IF NOT EXISTS wallet_batch (
  batch_id              uuid PRIMARY KEY,
  server_correlation_id uuid NOT NULL UNIQUE,
  instance_id           text NOT NULL,
  -- The client's X-CorrelationID: its idempotency reference for this batch request.
  correlation_id        text NOT NULL,
  callback_url          text,
  body_hash             text NOT NULL,
  batch_title           text NOT NULL,
  batch_description     text,
  scheduled_start_date  text,
  status                text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'approved', 'completed')),
  transaction_count     integer NOT NULL,
  parsing_success_count integer NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  approved_at           timestamptz,
  completed_at          timestamptz,
  UNIQUE (instance_id, correlation_id)
);
CREATE INDEX IF NOT EXISTS wallet_batch_due ON wallet_batch (instance_id, created_at) WHERE status <> 'completed';

CREATE TABLE IF NOT EXISTS wallet_txn (
  id                    bigserial PRIMARY KEY,
  batch_id              uuid NOT NULL REFERENCES wallet_batch (batch_id),
  instance_id           text NOT NULL,
  position              integer NOT NULL,
  -- requestingOrganisationTransactionReference: the client's payment key.
  reference             text NOT NULL,
  debit_account         text NOT NULL,
  msisdn                text NOT NULL,
  amount                numeric(18, 2) NOT NULL CHECK (amount > 0),
  currency              text NOT NULL,
  -- The first accepted transaction with this reference; later ones point at it and report its outcome.
  is_original           boolean NOT NULL,
  duplicate_of_txn      bigint REFERENCES wallet_txn (id),
  -- A later transaction whose amount, currency, accounts differ from the original's.
  conflicts_original    boolean NOT NULL DEFAULT false,
  status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'rejected')),
  rejection_reason      text,
  transaction_reference text,
  completed_at          timestamptz,
  rejected_at           timestamptz,
  UNIQUE (batch_id, reference),
  CHECK (NOT (is_original AND duplicate_of_txn IS NOT NULL))
);
-- One original per reference: concurrent batches carrying the same reference cannot both claim it.
CREATE UNIQUE INDEX IF NOT EXISTS wallet_txn_original ON wallet_txn (instance_id, reference) WHERE is_original;
-- Why the wallet's holder check refuses a transaction that names its recipient (recipient-check.ts),
-- judged at receipt and applied when the provider tries to credit it.
ALTER TABLE wallet_txn ADD COLUMN IF NOT EXISTS recipient_rejection text;
CREATE INDEX IF NOT EXISTS wallet_txn_batch ON wallet_txn (batch_id, position);

-- One row per credit to a wallet. Deliberately no unique key on the transaction or its reference:
-- the provider's logic refuses double credits, and one that slipped through must stay observable.
CREATE TABLE IF NOT EXISTS wallet_ledger_entry (
  seq                   bigserial PRIMARY KEY,
  instance_id           text NOT NULL,
  txn_id                bigint NOT NULL REFERENCES wallet_txn (id),
  batch_id              uuid NOT NULL,
  transaction_reference text NOT NULL,
  reference             text NOT NULL,
  debit_account         text NOT NULL,
  msisdn                text NOT NULL,
  amount                numeric(18, 2) NOT NULL,
  currency              text NOT NULL,
  completed_at          timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS wallet_ledger_account ON wallet_ledger_entry (instance_id, debit_account, completed_at, seq);
CREATE INDEX IF NOT EXISTS wallet_ledger_reference ON wallet_ledger_entry (reference);

-- Notifications to deliver, written in the settlement transaction so none is lost by a crash.
CREATE TABLE IF NOT EXISTS wallet_outbox (
  id              bigserial PRIMARY KEY,
  -- Not unique: a duplicated notification is a second row with the same event id.
  event_id        uuid NOT NULL,
  instance_id     text NOT NULL,
  batch_id        uuid NOT NULL REFERENCES wallet_batch (batch_id),
  correlation_id  text NOT NULL,
  callback_url    text NOT NULL,
  body            jsonb NOT NULL,
  -- The batch's completion notification; a held (stale) one waits until the final one is done.
  final           boolean NOT NULL,
  held            boolean NOT NULL DEFAULT false,
${outboxDeliveryColumns('wallet_outbox')}
CREATE INDEX IF NOT EXISTS wallet_outbox_batch ON wallet_outbox (batch_id);

-- Settlement pages by position (shared/day-sequence.ts): one report per debit account, currency and UTC
-- day, whose entries (transfers and reversals) are numbered 1, 2, ...; its counter row keeps the last
-- number and the day's running totals, so a page's total does not sum the whole day.
CREATE TABLE IF NOT EXISTS wallet_settlement_day (
  instance_id text NOT NULL,
  account     text NOT NULL,
  currency    text NOT NULL,
  book_day    date NOT NULL,
  last_seq    bigint NOT NULL,
  transfers   numeric(18, 2) NOT NULL DEFAULT 0,
  reversals   numeric(18, 2) NOT NULL DEFAULT 0,
  PRIMARY KEY (instance_id, account, currency, book_day)
);
ALTER TABLE wallet_ledger_entry ADD COLUMN IF NOT EXISTS book_day date;
ALTER TABLE wallet_ledger_entry ADD COLUMN IF NOT EXISTS day_seq bigint;
-- Entries booked before day numbers existed: numbered in booking order (runs once; none are left after).
UPDATE wallet_ledger_entry e SET book_day = n.book_day, day_seq = n.day_seq
  FROM (SELECT seq, (completed_at AT TIME ZONE 'UTC')::date AS book_day,
               row_number() OVER (PARTITION BY instance_id, debit_account, currency, (completed_at AT TIME ZONE 'UTC')::date ORDER BY seq) AS day_seq
          FROM wallet_ledger_entry WHERE EXISTS (SELECT 1 FROM wallet_ledger_entry WHERE day_seq IS NULL)) n
 WHERE e.seq = n.seq AND e.day_seq IS NULL;
ALTER TABLE wallet_ledger_entry ALTER COLUMN book_day SET NOT NULL, ALTER COLUMN day_seq SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS wallet_ledger_day_seq ON wallet_ledger_entry (instance_id, debit_account, currency, book_day, day_seq);
-- Counters and totals of those days; days that have them already keep them (they include reversals).
INSERT INTO wallet_settlement_day (instance_id, account, currency, book_day, last_seq, transfers)
SELECT instance_id, debit_account, currency, book_day, max(day_seq), sum(amount) FROM wallet_ledger_entry GROUP BY 1, 2, 3, 4
ON CONFLICT DO NOTHING;

-- A transfer taken back from the wallet after it completed (POST /v1/admin/reversals): at most one per
-- credit. A row of its own, not a ledger entry, so entries per reference still count credits only.
CREATE TABLE IF NOT EXISTS wallet_reversal (
  id                    bigserial PRIMARY KEY,
  transaction_reference text GENERATED ALWAYS AS ('WR' || lpad(id::text, 12, '0')) STORED,
  ledger_seq            bigint NOT NULL UNIQUE REFERENCES wallet_ledger_entry (seq),
  instance_id           text NOT NULL,
  reference             text NOT NULL,
  debit_account         text NOT NULL,
  msisdn                text NOT NULL,
  amount                numeric(18, 2) NOT NULL,
  currency              text NOT NULL,
  completed_at          timestamptz NOT NULL,
  book_day              date NOT NULL,
  day_seq               bigint NOT NULL,
  UNIQUE (instance_id, debit_account, currency, book_day, day_seq)
);
`;

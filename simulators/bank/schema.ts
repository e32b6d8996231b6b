// DDL of the bank's own tables (prefixed bank_). Idempotent: run at every start.
import { outboxDeliveryColumns } from '../shared/outbox-table';

export const BANK_SCHEMA = `
CREATE TABLE IF NOT EXISTS bank_message (
  message_id     text PRIMARY KEY,
  -- Which simulated bank instance received it: several (e.g. parallel test files) can share
  -- one database, and each processor settles only its own instance's messages.
  instance_id    text NOT NULL,
  debtor_account text NOT NULL,
  callback_url   text,
  body_hash      text NOT NULL,
  payment_info_id text,
  -- The pain.002 answered at acceptance: an identical resend gets exactly this back.
  ack_xml        text,
  item_count     integer NOT NULL,
  status         text NOT NULL DEFAULT 'RCVD' CHECK (status IN ('RCVD', 'ACSC', 'PART', 'RJCT')),
  received_at    timestamptz NOT NULL DEFAULT now(),
  settled_at     timestamptz
);
CREATE INDEX IF NOT EXISTS bank_message_due ON bank_message (instance_id, received_at) WHERE status = 'RCVD';

CREATE TABLE IF NOT EXISTS bank_item (
  id                 bigserial PRIMARY KEY,
  message_id         text NOT NULL REFERENCES bank_message (message_id),
  position           integer NOT NULL,
  end_to_end_id      text NOT NULL,
  amount             numeric(18, 2) NOT NULL CHECK (amount > 0),
  currency           text NOT NULL,
  creditor_bank_code text NOT NULL,
  creditor_account   text NOT NULL,
  -- The first item the bank received with this endToEndId; later ones point at it.
  is_original        boolean NOT NULL,
  duplicate_of_item  bigint REFERENCES bank_item (id),
  -- A later item whose amount, currency or creditor differ from the original's (→ RJCT AM05).
  conflicts_original boolean NOT NULL DEFAULT false,
  status             text NOT NULL DEFAULT 'RCVD' CHECK (status IN ('RCVD', 'ACSC', 'RJCT')),
  reason_code        text,
  booked_at          timestamptz,
  settled_at         timestamptz,
  UNIQUE (message_id, end_to_end_id),
  CHECK (is_original = (duplicate_of_item IS NULL))
);
-- One original per endToEndId: concurrent receipts of the same id cannot both claim it.
CREATE UNIQUE INDEX IF NOT EXISTS bank_item_original ON bank_item (end_to_end_id) WHERE is_original;
CREATE INDEX IF NOT EXISTS bank_item_message ON bank_item (message_id, position);

-- One row per credit: debits debtor_account, credits the creditor. Deliberately no unique key on
-- item or endToEndId: the bank's logic refuses double credits, and a double credit (or an injected
-- one) must stay observable here by counting entries per endToEndId.
CREATE TABLE IF NOT EXISTS bank_ledger_entry (
  seq                bigserial PRIMARY KEY,
  entry_ref          text GENERATED ALWAYS AS ('AMB' || lpad(seq::text, 12, '0')) STORED,
  item_id            bigint NOT NULL REFERENCES bank_item (id),
  message_id         text NOT NULL,
  end_to_end_id      text NOT NULL,
  debtor_account     text NOT NULL,
  creditor_bank_code text NOT NULL,
  creditor_account   text NOT NULL,
  amount             numeric(18, 2) NOT NULL,
  currency           text NOT NULL,
  booked_at          timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS bank_ledger_debtor ON bank_ledger_entry (debtor_account, seq);
CREATE INDEX IF NOT EXISTS bank_ledger_e2e ON bank_ledger_entry (end_to_end_id);

-- Callbacks to deliver, written in the transaction that changed the status, so none is lost.
CREATE TABLE IF NOT EXISTS bank_outbox (
  id              bigserial PRIMARY KEY,
  event_id        uuid NOT NULL UNIQUE,
  instance_id     text NOT NULL,
  message_id      text NOT NULL REFERENCES bank_message (message_id),
  callback_url    text NOT NULL,
  status          text NOT NULL,
  -- The pain.002 as it stood when the event happened (a notification is a snapshot).
  payload         text,
${outboxDeliveryColumns('bank_outbox')}
CREATE INDEX IF NOT EXISTS bank_ledger_debtor_day ON bank_ledger_entry (debtor_account, booked_at);

-- Upgrades of databases created by earlier versions (the JSON API).
ALTER TABLE bank_message ADD COLUMN IF NOT EXISTS payment_info_id text;
ALTER TABLE bank_message ADD COLUMN IF NOT EXISTS ack_xml text;
ALTER TABLE bank_outbox ADD COLUMN IF NOT EXISTS payload text;

-- Statement pages by position (shared/day-sequence.ts): each entry's number on its account's UTC booking
-- day, shared by credits and reversals; the counter of the last number given; the day's totals per
-- currency, so a page's balances do not sum the whole day.
CREATE TABLE IF NOT EXISTS bank_statement_day (
  account  text NOT NULL,
  book_day date NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (account, book_day)
);
CREATE TABLE IF NOT EXISTS bank_statement_total (
  account  text NOT NULL,
  currency text NOT NULL,
  book_day date NOT NULL,
  -- Paid out (credits to creditors) and returned (reversals), as the account's debits and credits.
  debits   numeric(18, 2) NOT NULL DEFAULT 0,
  credits  numeric(18, 2) NOT NULL DEFAULT 0,
  PRIMARY KEY (account, currency, book_day)
);
ALTER TABLE bank_ledger_entry ADD COLUMN IF NOT EXISTS book_day date;
ALTER TABLE bank_ledger_entry ADD COLUMN IF NOT EXISTS day_seq bigint;
-- Entries booked before day numbers existed: numbered in booking order (runs once; none are left after).
UPDATE bank_ledger_entry e SET book_day = n.book_day, day_seq = n.day_seq
  FROM (SELECT seq, (booked_at AT TIME ZONE 'UTC')::date AS book_day,
               row_number() OVER (PARTITION BY debtor_account, (booked_at AT TIME ZONE 'UTC')::date ORDER BY seq) AS day_seq
          FROM bank_ledger_entry WHERE EXISTS (SELECT 1 FROM bank_ledger_entry WHERE day_seq IS NULL)) n
 WHERE e.seq = n.seq AND e.day_seq IS NULL;
ALTER TABLE bank_ledger_entry ALTER COLUMN book_day SET NOT NULL, ALTER COLUMN day_seq SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS bank_ledger_day_seq ON bank_ledger_entry (debtor_account, book_day, day_seq);
-- Counters and totals of those days; days that have them already keep them (they include reversals).
INSERT INTO bank_statement_day (account, book_day, last_seq)
SELECT debtor_account, book_day, max(day_seq) FROM bank_ledger_entry GROUP BY 1, 2 ON CONFLICT DO NOTHING;
INSERT INTO bank_statement_total (account, currency, book_day, debits)
SELECT debtor_account, currency, book_day, sum(amount) FROM bank_ledger_entry GROUP BY 1, 2, 3 ON CONFLICT DO NOTHING;

-- A credit returned to the debtor account after it was paid (POST /v1/admin/reversals): at most one per
-- credit. A row of its own, not a ledger entry, so entries per endToEndId still count credits only.
CREATE TABLE IF NOT EXISTS bank_reversal (
  id               bigserial PRIMARY KEY,
  entry_ref        text GENERATED ALWAYS AS ('AMR' || lpad(id::text, 12, '0')) STORED,
  ledger_seq       bigint NOT NULL UNIQUE REFERENCES bank_ledger_entry (seq),
  message_id       text NOT NULL,
  end_to_end_id    text NOT NULL,
  debtor_account   text NOT NULL,
  creditor_account text NOT NULL,
  amount           numeric(18, 2) NOT NULL,
  currency         text NOT NULL,
  booked_at        timestamptz NOT NULL,
  book_day         date NOT NULL,
  day_seq          bigint NOT NULL,
  UNIQUE (debtor_account, book_day, day_seq)
);
`;

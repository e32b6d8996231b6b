// The one place personal fields are sealed and opened. Code that stores a national ID, a name, a birth
// date, a phone, an account, registry facts or a person's own words seals it here; code that needs one
// in clear (a rail, the registry, a person entitled to read it) opens it here, and nowhere else. Every
// other step works on IDs and keyed hashes (lib/pii.ts).
import type { Config } from './config';
import type { Db } from './db';
import { ConfiguredMasterKeys, FieldCipher, newDataKey, type MasterKeys, type StoredDataKey } from './field-encryption';
import type { AccountDetails } from './pii';

/** Every sealed column, as table.column: the name is bound into its ciphertext. */
export const SEALED_FIELDS = [
  'application.national_id',
  'application.full_name',
  'application.date_of_birth',
  'application.phone',
  'application.registry_facts',
  'payment_account.account_number',
  'payment_account.msisdn',
  'review_task.statement',
  'review_task.comment',
  'notification.recipient',
  'notification.body',
  'identity_dispute.reason',
] as const;
export type SealedField = (typeof SEALED_FIELDS)[number];

/** The id of the first data key, created by whichever process needs one first. */
const FIRST_DATA_KEY = 'dk1';

export interface PersonalData {
  seal(field: SealedField, value: string): string;
  open(field: SealedField, sealed: string): string;
  /** Null stays null: an erased or absent value. */
  sealNullable(field: SealedField, value: string | null | undefined): string | null;
  openNullable(field: SealedField, sealed: string | null): string | null;
  sealJson(field: SealedField, value: unknown): string;
  openJson<T>(field: SealedField, sealed: string): T;
  /** An account's number columns, sealed. */
  sealAccount(account: AccountDetails): { accountNumber: string | null; msisdn: string | null };
  /** The account a rail is asked about or paid to. */
  openAccount(row: { rail: string; bankCode: string | null; accountNumber: string | null; msisdn: string | null }): AccountDetails;
}

export function masterKeys(config: Pick<Config, 'PII_MASTER_KEYS'>): MasterKeys {
  return new ConfiguredMasterKeys(config.PII_MASTER_KEYS);
}

/** The stored data keys, oldest first; the first process to need one creates it. */
export async function dataKeys(db: Pick<Db, 'dataKey'>, master: MasterKeys): Promise<StoredDataKey[]> {
  const read = () => db.dataKey.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  let keys = await read();
  if (keys.length === 0) {
    // Two processes starting together both try: the key's id makes the second insert a no-op.
    await db.dataKey.createMany({ data: [newDataKey(FIRST_DATA_KEY, master)], skipDuplicates: true });
    keys = await read();
  }
  return keys;
}

export function personalDataWith(cipher: FieldCipher): PersonalData {
  const pd: PersonalData = {
    seal: (field, value) => cipher.seal(field, value),
    open: (field, sealed) => cipher.open(field, sealed),
    sealNullable: (field, value) => (value === null || value === undefined ? null : cipher.seal(field, value)),
    openNullable: (field, sealed) => (sealed === null ? null : cipher.open(field, sealed)),
    sealJson: (field, value) => cipher.seal(field, JSON.stringify(value)),
    openJson: <T>(field: SealedField, sealed: string) => JSON.parse(cipher.open(field, sealed)) as T,
    sealAccount: (a) =>
      a.rail === 'BANK'
        ? { accountNumber: cipher.seal('payment_account.account_number', a.accountNumber), msisdn: null }
        : { accountNumber: null, msisdn: cipher.seal('payment_account.msisdn', a.msisdn) },
    openAccount: (row) =>
      row.rail === 'BANK'
        ? {
            rail: 'BANK',
            bankCode: row.bankCode ?? '',
            accountNumber: pd.openNullable('payment_account.account_number', row.accountNumber) ?? '',
          }
        : { rail: 'WALLET', msisdn: pd.openNullable('payment_account.msisdn', row.msisdn) ?? '' },
  };
  return pd;
}

const loaded = new WeakMap<Db, Promise<PersonalData>>();

/** The process's personal-data keys for this database, loaded once (the data keys change only by rotation). */
export function personalData(ctx: { db: Db; config: Pick<Config, 'PII_MASTER_KEYS'> }): Promise<PersonalData> {
  let pd = loaded.get(ctx.db);
  if (!pd) {
    const master = masterKeys(ctx.config);
    pd = dataKeys(ctx.db, master).then((keys) => personalDataWith(new FieldCipher(keys, master)));
    // A failed load (database down at start) is tried again by the next caller.
    pd.catch(() => loaded.delete(ctx.db));
    loaded.set(ctx.db, pd);
  }
  return pd;
}

type ApplicantColumns = {
  nationalId?: string | null;
  fullName?: string | null;
  dateOfBirth?: string | null;
  phone?: string | null;
  paymentAccount?: { accountNumber: string | null; msisdn: string | null } | null;
};

const APPLICANT_FIELDS = [
  ['nationalId', 'application.national_id'],
  ['fullName', 'application.full_name'],
  ['dateOfBirth', 'application.date_of_birth'],
  ['phone', 'application.phone'],
] as const;

/** An application as read by Prisma with its personal columns opened, for a person entitled to see them. */
export function openApplicant<T extends ApplicantColumns>(pd: PersonalData, row: T): T {
  const opened: ApplicantColumns = { ...row };
  for (const [key, field] of APPLICANT_FIELDS) {
    const value = row[key];
    if (typeof value === 'string') opened[key] = pd.open(field, value);
  }
  if (row.paymentAccount)
    opened.paymentAccount = {
      ...row.paymentAccount,
      accountNumber: pd.openNullable('payment_account.account_number', row.paymentAccount.accountNumber),
      msisdn: pd.openNullable('payment_account.msisdn', row.paymentAccount.msisdn),
    };
  return opened as T;
}

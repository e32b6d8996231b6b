// Personal fields as tests write and read them: sealed as the application stores them (lib/personal-data.ts),
// opened to compare with what was submitted.
import { loadConfig } from '../../lib/config';
import type { Db } from '../../lib/db';
import { openApplicant, personalData, type PersonalData } from '../../lib/personal-data';

export const testPersonalData = (db: Db): Promise<PersonalData> => personalData({ db, config: loadConfig() });

/** An application read as a person entitled to it sees it: its personal fields opened. */
export async function openedApplication(db: Db, where: { id: string } | { number: string }) {
  const app = await db.application.findUniqueOrThrow({ where, include: { paymentAccount: true } });
  const pd = await testPersonalData(db);
  const opened = openApplicant(pd, app);
  return { ...opened, phone: opened.phone ?? '', nationalId: opened.nationalId ?? '', dateOfBirth: opened.dateOfBirth ?? '' };
}

/** What an SMS says, as the phone shows it (the notification row's body, opened). */
export async function smsText(db: Db, notification: { body: string | null }): Promise<string> {
  return (await testPersonalData(db)).open('notification.body', notification.body ?? '');
}

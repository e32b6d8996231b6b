// A web server for intake tests (the HTTP edge; no dispatcher serves its task queue): the applications of
// the programs made here are set aside when the file ends, since nothing would ever decide them.
import { afterAll, beforeAll } from 'vitest';
import { createProgram } from './fixtures';
import { startTestWeb, type TestWeb } from './web';
import { smsText } from './personal-data';

export interface IntakeWeb {
  /** The server, from beforeAll on. */
  readonly web: TestWeb;
  newProgram: () => ReturnType<typeof createProgram>;
  /** An application to a program's intake API. */
  submit: (code: string, body: unknown, headers?: Record<string, string>) => Promise<Awaited<ReturnType<TestWeb['app']['inject']>>>;
  /** The code in the latest SMS asking to confirm an application's phone: what the applicant reads. */
  phoneCode: (applicationNumber: string) => Promise<string>;
  /** Confirms an application's phone as its applicant does: the code from the SMS, typed back. */
  confirmPhone: (applicationNumber: string) => Promise<void>;
}

/**
 * The code in the latest SMS of an application's phone verification, as the notification (the SMS) says it;
 * these servers run no SMS sender, so the notification row is what the phone would show.
 */
export async function phoneCode(db: TestWeb['db'], applicationNumber: string): Promise<string> {
  const { id: applicationId } = await db.application.findUniqueOrThrow({ where: { number: applicationNumber }, select: { id: true } });
  const code = await db.oneTimeCode.findFirstOrThrow({ where: { applicationId, purpose: 'PHONE' }, orderBy: { createdAt: 'desc' } });
  const sms = await db.notification.findUniqueOrThrow({
    where: { applicationId_eventKey: { applicationId, eventKey: `code:${code.id}` } },
  });
  return /\b(\d{6})\b/.exec((await smsText(db, sms)).replace(applicationNumber, ''))![1]!;
}

/** Registers the file's beforeAll / afterAll and returns the server's handle. */
export function useIntakeWeb(): IntakeWeb {
  let server: TestWeb | undefined;
  const programIds: string[] = [];
  beforeAll(async () => {
    server = await startTestWeb();
  });
  afterAll(async () => {
    if (!server) return;
    await server.db.application.updateMany({
      where: { programId: { in: programIds }, status: 'RECEIVED' },
      data: { status: 'REJECTED', reasonCodes: ['TEST_CLEANUP'] },
    });
    await server.close();
  });
  const intake: IntakeWeb = {
    get web() {
      if (!server) throw new Error('the intake web server starts in beforeAll');
      return server;
    },
    newProgram: async () => {
      const program = await createProgram(intake.web.db);
      programIds.push(program.id);
      return program;
    },
    submit: (code, body, headers = {}) =>
      intake.web.app.inject({ method: 'POST', url: `/api/v1/programs/${code}/applications`, payload: body as object, headers }),
    phoneCode: (applicationNumber) => phoneCode(intake.web.db, applicationNumber),
    confirmPhone: async (applicationNumber) => {
      const res = await intake.web.app.inject({
        method: 'POST',
        url: '/api/v1/applications/phone-verification',
        payload: { applicationNumber, code: await phoneCode(intake.web.db, applicationNumber) },
      });
      if (res.statusCode !== 200) throw new Error(`phone not confirmed: HTTP ${res.statusCode} ${res.body}`);
    },
  };
  return intake;
}

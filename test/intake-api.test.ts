// Intake over HTTP: persist, acknowledge; one application per person; 4xx naming the field, nothing written.
import { describe, expect, it } from 'vitest';
import { application } from './support/application';
import { uid } from './support/util';
import { useIntakeWeb } from './support/intake-web';
import { openedApplication, smsText } from './support/personal-data';

const intake = useIntakeWeb();
const { newProgram, submit } = intake;

describe('POST /api/v1/programs/:code/applications', () => {
  it('persists the application with its account, waiting for a decision batch, and acknowledges with a number', async () => {
    const program = await newProgram();
    const res = await submit(program.code, application());
    expect(res.statusCode).toBe(201);
    const body = res.json<{ applicationNumber: string; status: string }>();
    expect(body).toMatchObject({ status: 'RECEIVED', applicationNumber: expect.stringMatching(/^BR-[0-9A-HJKMNP-TV-Z]{8}$/) as string });

    const raw = await intake.web.db.application.findUniqueOrThrow({
      where: { number: body.applicationNumber },
      include: { paymentAccount: true },
    });
    // Stored sealed (lib/personal-data.ts): the row holds none of the values in clear.
    for (const value of ['52998224725', 'Maria José da Silva', '1985-03-14', '+5511987654321', '12345678'])
      expect(JSON.stringify(raw)).not.toContain(value);
    const stored = await openedApplication(intake.web.db, { number: body.applicationNumber });
    expect(stored).toMatchObject({ nationalId: '52998224725', status: 'RECEIVED', declaredMonthlyIncome: expect.anything() as unknown });
    expect(stored.paymentAccount).toMatchObject({ rail: 'BANK', bankCode: '001', accountNumber: '12345678' });
    // The row is the queue entry: the dispatchers of this web's task queue claim it for a batch.
    expect(stored).toMatchObject({ decisionQueue: intake.web.taskQueue, decisionBatchId: null });
  });

  it('answers the same person applying again without its key as a new applicant, and texts them their number', async () => {
    const program = await newProgram();
    const first = (await submit(program.code, application())).json<{ applicationNumber: string }>();
    await intake.confirmPhone(first.applicationNumber);
    const again = await submit(program.code, application({ nationalId: '52998224725', fullName: 'Maria J. da Silva' }));
    expect(again.statusCode).toBe(201);
    expect(again.json<{ applicationNumber: string }>().applicationNumber).not.toBe(first.applicationNumber);
    expect(await intake.web.db.application.count({ where: { programId: program.id } })).toBe(1);
    const [sms] = await intake.web.db.notification.findMany({
      where: { application: { number: first.applicationNumber }, eventKey: { startsWith: 'identity-attempt:' } },
    });
    expect(await smsText(intake.web.db, sms!)).toContain(first.applicationNumber);
  });

  it('honours Idempotency-Key', async () => {
    const program = await newProgram();
    const key = uid('key');
    const first = (await submit(program.code, application(), { 'idempotency-key': key })).json<{ applicationNumber: string }>();
    const replay = await submit(program.code, application(), { 'idempotency-key': key });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ applicationNumber: first.applicationNumber });
    expect((await submit(program.code, application(), { 'idempotency-key': 'x' })).json()).toMatchObject({
      fields: { 'Idempotency-Key': expect.any(String) as string },
    });
  });

  it.each([
    ['nationalId', { nationalId: '529.982.247-26' }],
    ['fullName', { fullName: '' }],
    ['dateOfBirth', { dateOfBirth: '14/03/1985' }],
    ['phone', { phone: '987654321' }],
    ['municipality', { municipality: 'X' }],
    ['householdSize', { householdSize: 'four' }],
    ['dependantsUnder18', { dependantsUnder18: -1 }],
    ['declaredMonthlyIncome', { declaredMonthlyIncome: 850.5 }],
    ['payment.accountNumber', { payment: { rail: 'BANK', bankCode: '001', accountNumber: 'abc' } }],
    ['payment.rail', { payment: { rail: 'CASH' } }],
    ['consent', { consent: 'yes' }],
  ])('answers 400 naming %s, and writes nothing', async (field, override) => {
    const program = await newProgram();
    const res = await submit(program.code, application(override));
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string; fields: Record<string, string> }>()).toMatchObject({
      error: 'invalid_request',
      fields: { [field]: expect.any(String) as string },
    });
    expect(await intake.web.db.application.count({ where: { programId: program.id } })).toBe(0);
    expect(await intake.web.db.paymentAccount.count({ where: { application: { programId: program.id } } })).toBe(0);
  });

  it('answers 400 to a body that is not JSON and 404 to an unknown program', async () => {
    const program = await newProgram();
    const bad = await intake.web.app.inject({
      method: 'POST',
      url: `/api/v1/programs/${program.code}/applications`,
      payload: '{"nationalId":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect((await submit('NO-SUCH-PROGRAM', application())).statusCode).toBe(404);
  });

  it('tells the status only to the application number with its date of birth, without personal data', async () => {
    const program = await newProgram();
    const { applicationNumber } = (await submit(program.code, application())).json<{ applicationNumber: string }>();
    const status = (body: unknown) =>
      intake.web.app.inject({ method: 'POST', url: '/api/v1/applications/status', payload: body as object });
    // The number alone (all a leaked SMS or a shoulder-surfer has) tells nothing.
    expect((await intake.web.app.inject({ url: `/api/v1/applications/${applicationNumber}` })).statusCode).toBe(404);
    const wrong = await status({ applicationNumber, dateOfBirth: '1986-03-14' });
    expect(wrong.statusCode).toBe(404);
    expect(wrong.body).not.toContain('RECEIVED');
    const res = await status({ applicationNumber, dateOfBirth: String(application().dateOfBirth) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      applicationNumber,
      status: 'RECEIVED',
      phoneVerification: 'required',
      reasonCodes: [],
      decidedAt: null,
      appealDeadline: null,
      canAppeal: false,
    });
    expect(res.body).not.toContain('52998224725');
    expect((await status({ applicationNumber })).json()).toMatchObject({ fields: { dateOfBirth: expect.any(String) as string } });
  });
});

// A web server for intake tests (the HTTP edge; no dispatcher serves its task queue): the applications of
// the programs made here are set aside when the file ends, since nothing would ever decide them.
import { afterAll, beforeAll } from 'vitest';
import { createProgram } from './fixtures';
import { startTestWeb, type TestWeb } from './web';

export interface IntakeWeb {
  /** The server, from beforeAll on. */
  readonly web: TestWeb;
  newProgram: () => ReturnType<typeof createProgram>;
  /** An application to a program's intake API. */
  submit: (code: string, body: unknown, headers?: Record<string, string>) => Promise<Awaited<ReturnType<TestWeb['app']['inject']>>>;
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
  };
  return intake;
}

// Programs: created by an administrator with their first rule set (web/programs.ts, shared with the admin
// page); stats for dashboards and the demo.
import type { FastifyInstance } from 'fastify';
import { ProgramInput } from '../../schema/program';
import { requireRole, signedIn } from '../http/auth';
import type { WebContext } from '../http/context';
import { notFound, validInput } from '../services/refusal';
import { createProgram } from '../services/programs';

export function programRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { db } = ctx;

  app.post('/api/v1/programs', { preHandler: requireRole(db, 'ADMIN') }, async (request, reply) => {
    const input = validInput(ProgramInput, request.body);
    const created = await createProgram(ctx, signedIn(request).id, input);
    return reply.code(201).send({ id: created.id, code: created.code });
  });

  app.get<{ Params: { code: string } }>(
    '/api/v1/programs/:code/stats',
    { preHandler: requireRole(db, 'ADMIN', 'APPROVER', 'REVIEWER', 'FINANCE') },
    async (request) => {
      const program = await db.program.findUnique({ where: { code: request.params.code } });
      if (!program) throw notFound('program_not_found', 'code');
      const [byStatus, reasons, beneficiaries] = await Promise.all([
        db.application.groupBy({ by: ['status'], where: { programId: program.id }, _count: true }),
        db.$queryRaw<Array<{ reason: string; count: number }>>`
        SELECT reason, count(*)::int AS count FROM application, unnest(reason_codes) AS reason
         WHERE program_id = ${program.id}::uuid GROUP BY reason ORDER BY reason`,
        db.beneficiary.count({ where: { programId: program.id, status: 'ACTIVE' } }),
      ]);
      return {
        program: { id: program.id, code: program.code, currency: program.currency, baseAmount: program.baseAmount.toString() },
        applications: Object.fromEntries(byStatus.map((s) => [s.status, s._count])),
        rejectionReasons: Object.fromEntries(reasons.map((r) => [r.reason, r.count])),
        activeBeneficiaries: beneficiaries,
      };
    },
  );
}

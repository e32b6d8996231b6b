// The finance report JSON API (the admin pages use the same services): the report of a cycle's latest
// reconciliation, its breaks (paged, names and accounts masked), both as CSV (web/finance-report-csv.ts
// documents the columns), and the sign-off. Finance and administrators read; only finance signs.
import { personalData } from '../../lib/personal-data';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { audit } from '../../lib/audit';
import { requireRole, signedIn } from '../http/auth';
import type { WebContext } from '../http/context';
import { invalid } from '../services/refusal';
import { breaksCsv, csvName, summaryCsv } from '../services/finance-report-csv';
import { sendCsv } from '../http/csv';
import { BreakCsvQuery, BreakQuery, breakItems, financeReport, parseBreakQuery } from '../services/finance-report';
import { proposeSignOff } from '../services/sign-off';

export const BREAKS_PAGE_SIZE = 50;
type Params = { Params: { id: string }; Querystring: Record<string, unknown> };

export function financeReportRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { db } = ctx;
  const readers = { preHandler: requireRole(db, 'FINANCE', 'ADMIN') };
  const query = (request: FastifyRequest<Params>, schema: typeof BreakQuery | typeof BreakCsvQuery) => {
    const parsed = parseBreakQuery(request.query, schema);
    if (!parsed.ok) throw invalid(parsed.fields);
    return parsed.value;
  };
  // Exports are audited like actions: who took which file of a cycle's payments, and when.
  const downloaded = (request: FastifyRequest, cycleId: string, file: string, filter: { class?: string; status?: string } = {}) =>
    audit(db, {
      actor: signedIn(request).id,
      action: 'cycle.report_downloaded',
      entityType: 'payment_cycle',
      entityId: cycleId,
      details: { file, ...filter },
    });

  app.get<Params>('/api/v1/cycles/:id/report', readers, async (request) => financeReport(db, request.params.id));

  app.get<Params>('/api/v1/cycles/:id/report.csv', readers, async (request, reply) => {
    const report = await financeReport(db, request.params.id);
    await downloaded(request, report.cycle.id, 'report');
    return sendCsv(reply, csvName(report, 'report'), summaryCsv(report));
  });

  app.get<Params>('/api/v1/cycles/:id/breaks', readers, async (request) => {
    const q = query(request, BreakQuery);
    return breakItems(db, await personalData(ctx), request.params.id, {
      breakClass: q.class,
      status: q.status,
      page: q.page,
      pageSize: BREAKS_PAGE_SIZE,
      revealPersonalData: false,
    });
  });

  app.get<Params>('/api/v1/cycles/:id/breaks.csv', readers, async (request, reply) => {
    const q = query(request, BreakCsvQuery);
    const report = await financeReport(db, request.params.id);
    const stream = await breaksCsv(db, report.cycle.id, { breakClass: q.class, status: q.status });
    await downloaded(request, report.cycle.id, 'breaks', { class: q.class, status: q.status });
    return sendCsv(reply, csvName(report, 'breaks'), stream);
  });

  // A proposal: the cycle is signed off when a second finance user approves it (POST /api/v1/decisions/:id/approve).
  app.post<Params>('/api/v1/cycles/:id/sign-off', { preHandler: requireRole(db, 'FINANCE') }, async (request, reply) => {
    const decision = await proposeSignOff(ctx, { cycleId: request.params.id, actor: signedIn(request).id });
    return reply.code(202).send({ decision });
  });
}

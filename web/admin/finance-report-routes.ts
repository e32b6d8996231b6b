// The finance report pages' routes: finance and administrators read the report, its breaks and the CSV
// files; only finance resolves a break (web/break-resolutions.ts) and signs off (web/sign-off.ts), the same
// services and audit rows as the JSON API. Roles and CSRF are checked by requireAdminSession; after every
// action the browser is redirected (303), so a refresh never posts twice.
import { personalData } from '../../lib/personal-data';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BREAK_RESOLUTIONS, type BreakResolution } from '../../domain/reconciliation-classes';
import { audit } from '../../lib/audit';
import { openResolutions, proposeResolution } from '../services/break-resolutions';
import { pendingBySubject, withProposers } from '../services/decisions';
import { pendingUploads } from '../services/statement-upload';
import type { WebContext } from '../http/context';
import { notFound, Refusal } from '../services/refusal';
import { breaksCsv, csvName, summaryCsv } from '../services/finance-report-csv';
import { sendCsv } from '../http/csv';
import { breakItems, financeReport, parseBreakQuery, type FinanceReport } from '../services/finance-report';
import { field } from '../http/form';
import { proposeSignOff } from '../services/sign-off';
import { breaksHref, breaksPage, financeReportPage, type BreaksPage, type ResolveFormError } from './finance-report-page';
import { messagePage, refusalPage, sendAdminPage } from './http';
import { requireAdminSession, type AdminSession } from './session';

const PAGE_SIZE = 50;
const NOTICES: Record<string, string> = {
  proposed: 'Resolution proposed. It takes effect when a second finance user approves it.',
  'sign-off-proposed': 'Sign-off proposed. The cycle is signed off when a second finance user approves it.',
  approved: 'Approved: it has taken effect and is recorded.',
  declined: 'Declined: nothing of it took effect.',
};

export function adminFinanceReportRoutes(scope: FastifyInstance, ctx: WebContext): void {
  const { db } = ctx;
  const viewers = { preHandler: requireAdminSession(db, 'FINANCE', 'ADMIN') };
  const finance = { preHandler: requireAdminSession(db, 'FINANCE') };
  const session = (request: FastifyRequest) => request.adminSession as AdminSession;

  const refused = (reply: FastifyReply, request: FastifyRequest, err: unknown, back?: string) =>
    refusalPage(
      reply,
      session(request),
      err,
      back ? { href: back, label: 'Back to the report' } : { href: '/admin/cycles', label: 'Back to payment cycles' },
    );
  /** The drill-down's filters from a query or a form; a bad one is a 400 page that names it. */
  const filters = (reply: FastifyReply, request: FastifyRequest, input: Record<string, unknown>) => {
    const parsed = parseBreakQuery(input);
    if (parsed.ok) return parsed.value;
    const names = Object.keys(parsed.fields).join(', ');
    void messagePage(reply, {
      status: 400,
      session: session(request),
      title: 'Filter not understood',
      text: `This filter is not one the list knows: ${names}. Choose a class or a status from the report.`,
    });
    return null;
  };
  // Exports are audited like actions: who took which file of a cycle's payments, and when.
  const downloaded = (request: FastifyRequest, cycleId: string, file: string, filter: { class?: string; status?: string } = {}) =>
    audit(db, {
      actor: session(request).user.id,
      action: 'cycle.report_downloaded',
      entityType: 'payment_cycle',
      entityId: cycleId,
      details: { file, ...filter },
    });

  const showReport = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { notice?: string; signOffError?: string; status?: number } = {},
  ) => {
    const report = await financeReport(db, id);
    const s = session(request);
    const [pending, uploads] = await Promise.all([
      pendingBySubject(ctx, report.cycle.id),
      pendingUploads(db, report.cycle.id).then((open) => withProposers(ctx, open)),
    ]);
    const body = financeReportPage({
      report,
      viewer: s.user.role,
      viewerId: s.user.id,
      csrfToken: s.csrfToken,
      notice: extra.notice,
      signOffError: extra.signOffError,
      signOffDecision: pending.get(report.cycle.id),
      uploads,
    });
    return sendAdminPage(reply, {
      status: extra.status,
      title: `${extra.signOffError ? 'Error: ' : ''}Finance report: cycle ${report.cycle.number} of ${report.cycle.programCode}`,
      session: s,
      current: '/admin/cycles',
      body,
    });
  };

  const showBreaks = async (
    request: FastifyRequest,
    reply: FastifyReply,
    report: FinanceReport,
    query: BreaksPage['query'],
    extra: { notice?: string; formError?: ResolveFormError; status?: number } = {},
  ) => {
    const list = await breakItems(db, await personalData(ctx), report.cycle.id, {
      breakClass: query.class,
      status: query.status,
      page: query.page,
      pageSize: PAGE_SIZE,
      revealPersonalData: false,
    });
    const s = session(request);
    const pending = await pendingBySubject(ctx, report.cycle.id);
    // What each open break may still be resolved with, on its payment's evidence as it is now.
    const open = await openResolutions(
      db,
      list.items.filter((b) => b.status === 'OPEN' && !pending.has(b.id)),
    );
    const body = breaksPage({
      report,
      viewer: s.user.role,
      viewerId: s.user.id,
      csrfToken: s.csrfToken,
      query,
      list,
      pending,
      open,
      ...extra,
    });
    return sendAdminPage(reply, {
      status: extra.status,
      title: `${extra.formError ? 'Error: ' : ''}Breaks: cycle ${report.cycle.number} of ${report.cycle.programCode}`,
      session: s,
      current: '/admin/cycles',
      body,
    });
  };

  scope.get<{ Params: { id: string }; Querystring: { done?: string } }>('/admin/cycles/:id/report', viewers, async (request, reply) => {
    try {
      // Only known notices: anything else in the link is ignored, not echoed.
      return await showReport(request, reply, request.params.id, { notice: request.query.done ? NOTICES[request.query.done] : undefined });
    } catch (err) {
      return refused(reply, request, err);
    }
  });

  scope.get<{ Params: { id: string } }>('/admin/cycles/:id/report.csv', viewers, async (request, reply) => {
    try {
      const report = await financeReport(db, request.params.id);
      await downloaded(request, report.cycle.id, 'report');
      return sendCsv(reply, csvName(report, 'report'), summaryCsv(report));
    } catch (err) {
      return refused(reply, request, err);
    }
  });

  scope.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/admin/cycles/:id/report/breaks',
    viewers,
    async (request, reply) => {
      const { done, ...rest } = request.query;
      const query = filters(reply, request, rest);
      if (!query) return reply;
      try {
        const report = await financeReport(db, request.params.id);
        return await showBreaks(request, reply, report, query, { notice: typeof done === 'string' ? NOTICES[done] : undefined });
      } catch (err) {
        return refused(reply, request, err);
      }
    },
  );

  scope.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/admin/cycles/:id/report/breaks.csv',
    viewers,
    async (request, reply) => {
      const query = filters(reply, request, request.query);
      if (!query) return reply;
      try {
        const report = await financeReport(db, request.params.id);
        const stream = await breaksCsv(db, report.cycle.id, { breakClass: query.class, status: query.status });
        await downloaded(request, report.cycle.id, 'breaks', { class: query.class, status: query.status });
        return sendCsv(reply, csvName(report, 'breaks'), stream);
      } catch (err) {
        return refused(reply, request, err);
      }
    },
  );

  scope.post<{ Params: { id: string } }>('/admin/breaks/:id/resolution', finance, async (request, reply) => {
    const { id } = request.params;
    const row = await db.reconciliationBreak.findUnique({ where: { id }, select: { cycleId: true } });
    if (!row) return refused(reply, request, notFound('break_not_found', 'id'));
    const back = `/admin/cycles/${row.cycleId}/report`;
    // The list the form was on, to go back to (or show again with the error); an odd value falls back to all.
    const parsed = parseBreakQuery(Object.fromEntries(['class', 'status', 'page'].map((k) => [k, field(request.body, k) || undefined])));
    const query = parsed.ok ? parsed.value : { page: 1 };
    const values = { resolution: field(request.body, 'resolution').trim(), reason: field(request.body, 'reason').trim().slice(0, 500) };
    const again = async (f: ResolveFormError['field'], message: string, status: number) =>
      showBreaks(request, reply, await financeReport(db, row.cycleId), query, {
        formError: { breakId: id, field: f, message, ...values },
        status,
      });
    try {
      if (!(BREAK_RESOLUTIONS as readonly string[]).includes(values.resolution))
        return await again('resolution', 'Choose what to do about this break', 400);
      // A proposal, as in the JSON API: it takes effect when a second finance user approves it.
      await proposeResolution(db, {
        breakId: id,
        resolution: values.resolution as BreakResolution,
        reason: values.reason,
        actor: session(request).user.id,
      });
      const next = breaksHref(row.cycleId, query);
      return reply.redirect(`${next}${next.includes('?') ? '&' : '?'}done=proposed`, 303);
    } catch (err) {
      if (err instanceof Refusal && err.code === 'reason_required') return again('reason', 'Enter the reason for this resolution', 400);
      if (err instanceof Refusal && err.code === 'invalid_request' && err.fields?.reason)
        return again('reason', 'Keep the reason to 500 characters', 400);
      if (err instanceof Refusal && err.code === 'resolution_not_allowed')
        return again('resolution', `Choose one of the resolutions offered: ${err.fields.resolution ?? ''}`, 422);
      return refused(reply, request, err, back);
    }
  });

  scope.post<{ Params: { id: string } }>('/admin/cycles/:id/sign-off', finance, async (request, reply) => {
    const { id } = request.params;
    try {
      // Signing cannot be undone: the box must be ticked (the browser asks first; this is the check).
      if (field(request.body, 'confirm') !== 'yes')
        return await showReport(request, reply, id, {
          signOffError: 'Tick the box to confirm that you have checked the report',
          status: 400,
        });
      // A proposal, as in the JSON API: the cycle is signed off when a second finance user approves it.
      await proposeSignOff(ctx, { cycleId: id, actor: session(request).user.id });
      return reply.redirect(`/admin/cycles/${id}/report?done=sign-off-proposed`, 303);
    } catch (err) {
      return refused(reply, request, err, `/admin/cycles/${id}/report`);
    }
  });
}

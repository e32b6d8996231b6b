// The payment-cycle pages' routes. Every action goes through web/cycles.ts, the same services (and the
// same audit rows) as the JSON API; this file only checks roles and CSRF (requireAdminSession), turns
// form fields into the services' inputs, and turns their refusals into pages a person can act on.
// After every action the browser is redirected (303) to the cycle page, so a refresh never posts twice.
// A re-issue's account changes are approved here through the one four-eyes mechanism (services/decisions.ts).
import Decimal from 'decimal.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatAmount, money } from '../../domain/money';
import { audit } from '../../lib/audit';
import { CycleApprovalInput } from '../../schema/cycle';
import { parseInput } from '../../schema/fields';
import type { WebContext } from '../http/context';
import { cycleView } from '../services/cycle-view';
import { approveCycle, controlCycle, findCycle, launchCycle, prepareCycle, previewRegular, totalOf } from '../services/cycles';
import { approveDecision } from '../services/decisions';
import { openDecision } from '../services/four-eyes';
import { notFound, Refusal } from '../services/refusal';
import { field } from '../http/form';
import { OPEN_STATUSES, cycleListPage, preparePage } from './cycle-list';
import { cyclePage, EMPTY_APPROVAL, type ApprovalForm, type CyclePage } from './cycle-page';
import { refusalPage, sendAdminPage } from './http';
import { requireAdminSession, type AdminSession } from './session';

const REFRESH_SECONDS = 5;
const PROGRAMS_SHOWN = 50;
const NOTICES: Record<string, string> = {
  prepared: 'Cycle prepared. Another person with the approver role must now approve its control totals.',
  accounts: 'Account changes approved: the new accounts are now the households’ accounts. The cycle itself can now be approved.',
  approved: 'Cycle approved. It can now be launched.',
  launched: 'Launch requested. Progress appears below as the batches are sent.',
  pause: 'Pause requested: no new batch is sent until the cycle is resumed.',
  resume: 'Resume requested: the remaining batches are sent again.',
  cancel: 'Cancellation requested: batches not yet sent will not be paid.',
};
const FIELD_MESSAGES = {
  approvedCount: 'Enter the number of payments in digits, for example 30',
  approvedAmount: 'Enter the total amount with a point before the cents, for example 18000.00',
} as const;

export function adminCycleRoutes(scope: FastifyInstance, ctx: WebContext): void {
  const { db } = ctx;
  const viewers = { preHandler: requireAdminSession(db, 'ADMIN', 'APPROVER', 'FINANCE') };
  const operators = { preHandler: requireAdminSession(db, 'ADMIN', 'APPROVER') };
  const admins = { preHandler: requireAdminSession(db, 'ADMIN') };
  const session = (request: FastifyRequest) => request.adminSession as AdminSession;

  const refused = (reply: FastifyReply, request: FastifyRequest, err: unknown, back?: string) =>
    refusalPage(
      reply,
      session(request),
      err,
      back ? { href: back, label: 'Back to the cycle' } : { href: '/admin/cycles', label: 'Back to payment cycles' },
    );

  /** The cycle page; `extra` carries a notice, a form to show again with its errors, and the status to answer with. */
  const showCycle = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: Partial<Pick<CyclePage, 'notice' | 'approval' | 'cancelError'>> & { status?: number; refreshOff?: boolean } = {},
  ) => {
    const view = await cycleView(ctx, id);
    const [row, users, launched] = await Promise.all([
      db.paymentCycle.findUniqueOrThrow({
        where: { id: view.id },
        select: { createdAt: true, approvedAt: true, launchedAt: true, completedAt: true },
      }),
      db.user.findMany({
        where: { id: { in: [view.preparedBy, view.approvedBy, view.accountChanges?.decidedBy].filter((u): u is string => !!u) } },
        select: { id: true, username: true },
      }),
      db.auditEvent.findFirst({
        where: { entityType: 'payment_cycle', entityId: view.id, action: 'cycle.launched' },
        select: { id: true },
      }),
    ]);
    const name = (uid: string | null) => (uid ? (users.find((u) => u.id === uid)?.username ?? 'an unknown user') : null);
    // Watched while money moves: the Refresh header reloads the page (no JavaScript), and can be turned off.
    const active = extra.status === undefined && (view.status === 'RUNNING' || (view.status === 'APPROVED' && !!launched));
    const on = active && !extra.refreshOff;
    if (on) void reply.header('refresh', `${REFRESH_SECONDS}; url=/admin/cycles/${view.id}`);
    const s = session(request);
    const body = cyclePage({
      view,
      viewer: s.user,
      csrfToken: s.csrfToken,
      launchRequested: !!launched,
      people: {
        preparedBy: name(view.preparedBy) ?? '',
        approvedBy: name(view.approvedBy),
        accountChangesDecidedBy: name(view.accountChanges?.decidedBy ?? null),
        ...row,
      },
      watching: { on, toggle: active ? (on ? `/admin/cycles/${view.id}?refresh=off` : `/admin/cycles/${view.id}`) : null },
      notice: extra.notice,
      approval: extra.approval ?? EMPTY_APPROVAL,
      cancelError: extra.cancelError,
    });
    const hasErrors = Object.keys(extra.approval?.errors ?? {}).length > 0 || !!extra.cancelError;
    return sendAdminPage(reply, {
      status: extra.status,
      title: `${hasErrors ? 'Error: ' : ''}Cycle ${view.number} of ${view.programCode}`,
      session: s,
      current: '/admin/cycles',
      body,
    });
  };

  scope.get<{ Querystring: { q?: string } }>('/admin/cycles', viewers, async (request, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 60) : '';
    const programs = await db.program.findMany({
      where: q ? { OR: [{ code: { contains: q, mode: 'insensitive' } }, { name: { contains: q, mode: 'insensitive' } }] } : {},
      orderBy: { createdAt: 'desc' },
      take: PROGRAMS_SHOWN,
      select: {
        id: true,
        code: true,
        name: true,
        currency: true,
        cycles: { orderBy: { number: 'desc' }, take: 5, select: { id: true, number: true, kind: true, status: true } },
      },
    });
    const households = await db.beneficiary.groupBy({
      by: ['programId'],
      where: { programId: { in: programs.map((p) => p.id) }, status: 'ACTIVE' },
      _count: true,
    });
    const rows = programs.map((p) => ({ ...p, households: households.find((h) => h.programId === p.id)?._count ?? 0 }));
    return sendAdminPage(reply, {
      title: 'Payment cycles',
      session: session(request),
      current: '/admin/cycles',
      body: cycleListPage(rows, q, session(request).user.role, PROGRAMS_SHOWN),
    });
  });

  scope.get<{ Querystring: { program?: string } }>('/admin/cycles/new', admins, async (request, reply) => {
    const code = typeof request.query.program === 'string' ? request.query.program.slice(0, 60) : '';
    const program = code ? await db.program.findUnique({ where: { code } }) : null;
    if (!program) return refused(reply, request, notFound('program_not_found', 'program'));
    const [rails, open] = await Promise.all([
      previewRegular(ctx, program.id),
      db.paymentCycle.findFirst({
        where: { programId: program.id, kind: 'REGULAR', status: { in: OPEN_STATUSES } },
        select: { id: true, number: true },
      }),
    ]);
    const total = totalOf(rails, program.currency);
    // In the currency's own minor units (CLP has none), as everywhere money is shown.
    const amount = (d: { toString(): string } | null) => (d === null ? null : formatAmount(money(d.toString(), program.currency)));
    return sendAdminPage(reply, {
      title: `Prepare a cycle: ${program.code}`,
      session: session(request),
      current: '/admin/cycles',
      body: preparePage({
        program: {
          code: program.code,
          name: program.name,
          currency: program.currency,
          baseAmount: amount(program.baseAmount)!,
          amountPerDependant: amount(program.amountPerDependant)!,
          capPerHousehold: amount(program.capPerHousehold),
          budgetPerCycle: amount(program.budgetPerCycle),
        },
        rails,
        total,
        open,
        csrfToken: session(request).csrfToken,
        overBudget: !!program.budgetPerCycle && program.budgetPerCycle.lessThan(total.amount),
      }),
    });
  });

  scope.post('/admin/cycles/new', admins, async (request, reply) => {
    try {
      const cycle = await prepareCycle(ctx, field(request.body, 'program').slice(0, 60), session(request).user.id);
      return reply.redirect(`/admin/cycles/${cycle.id}?done=prepared`, 303);
    } catch (err) {
      return refused(reply, request, err);
    }
  });

  scope.get<{ Params: { id: string }; Querystring: { done?: string; refresh?: string } }>(
    '/admin/cycles/:id',
    viewers,
    async (request, reply) => {
      const done = request.query.done;
      try {
        // Only known notices: anything else in the link is ignored, not echoed.
        return await showCycle(request, reply, request.params.id, {
          notice: done ? NOTICES[done] : undefined,
          refreshOff: request.query.refresh === 'off',
        });
      } catch (err) {
        return refused(reply, request, err);
      }
    },
  );

  scope.post<{ Params: { id: string } }>(
    '/admin/cycles/:id/approve',
    { preHandler: requireAdminSession(db, 'APPROVER') },
    async (request, reply) => {
      const { id } = request.params;
      const user = session(request).user;
      const values = {
        approvedCount: field(request.body, 'approvedCount').trim().slice(0, 20),
        approvedAmount: field(request.body, 'approvedAmount').trim().slice(0, 30),
      };
      // A form sends text: digits become the number the schema wants; anything else fails it, field by field.
      const parsed = parseInput(CycleApprovalInput, {
        approvedCount: /^\d{1,9}$/.test(values.approvedCount) ? Number(values.approvedCount) : values.approvedCount || undefined,
        approvedAmount: values.approvedAmount || undefined,
      });
      const again = (errors: ApprovalForm['errors'], status: number) =>
        showCycle(request, reply, id, { approval: { ...values, errors }, status });
      try {
        if (!parsed.ok) {
          const errors = Object.fromEntries(
            Object.keys(parsed.fields)
              .filter((k) => k in FIELD_MESSAGES)
              .map((k) => [k, FIELD_MESSAGES[k as keyof typeof FIELD_MESSAGES]]),
          );
          return await again(errors, 400);
        }
        await approveCycle(ctx, id, user.id, parsed.value);
        return reply.redirect(`/admin/cycles/${id}?done=approved`, 303);
      } catch (err) {
        if (err instanceof Refusal && (err.code === 'maker_cannot_approve' || err.code === 'control_totals_mismatch')) {
          // Refused approvals are part of the trail too: a maker trying to approve is worth seeing.
          await audit(db, {
            actor: user.id,
            action: 'cycle.approval_refused',
            entityType: 'payment_cycle',
            entityId: id,
            details: { reason: err.code },
          });
        }
        if (err instanceof Refusal && err.code === 'control_totals_mismatch') {
          const view = await cycleView(ctx, id);
          const errors: ApprovalForm['errors'] = {};
          if (parsed.ok && parsed.value.approvedCount !== view.preview.count)
            errors.approvedCount = 'The number of payments is not the one in the control totals';
          if (parsed.ok && !new Decimal(parsed.value.approvedAmount).equals(view.preview.amount))
            errors.approvedAmount = 'The total amount is not the one in the control totals';
          return again(errors, 409);
        }
        return refused(reply, request, err, `/admin/cycles/${id}`);
      }
    },
  );

  // Approving a re-issue's account changes: the form names the proposal its page showed, so a proposal made
  // since (after a decline) is never approved by a click on an older page.
  scope.post<{ Params: { id: string } }>(
    '/admin/cycles/:id/account-changes',
    { preHandler: requireAdminSession(db, 'APPROVER') },
    async (request, reply) => {
      const { id } = request.params;
      try {
        const cycle = await findCycle(ctx, id);
        const open = await openDecision(db, 'ACCOUNT_CHANGES', cycle.id);
        if (!open || open.id !== field(request.body, 'decision')) throw new Refusal('decision_not_open');
        await approveDecision(ctx, open.id, session(request).user);
        return reply.redirect(`/admin/cycles/${id}?done=accounts`, 303);
      } catch (err) {
        return refused(reply, request, err, `/admin/cycles/${id}`);
      }
    },
  );

  scope.post<{ Params: { id: string } }>('/admin/cycles/:id/launch', operators, async (request, reply) => {
    try {
      await launchCycle(ctx, request.params.id, session(request).user.id);
      return reply.redirect(`/admin/cycles/${request.params.id}?done=launched`, 303);
    } catch (err) {
      return refused(reply, request, err, `/admin/cycles/${request.params.id}`);
    }
  });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    scope.post<{ Params: { id: string } }>(`/admin/cycles/:id/${action}`, operators, async (request, reply) => {
      const { id } = request.params;
      try {
        // Cancelling cannot be undone: the box must be ticked (the browser asks first; this is the check).
        if (action === 'cancel' && field(request.body, 'confirm') !== 'yes') {
          return await showCycle(request, reply, id, {
            cancelError: 'Tick the box to confirm that you want to cancel the cycle.',
            status: 400,
          });
        }
        await controlCycle(ctx, id, session(request).user.id, action);
        return reply.redirect(`/admin/cycles/${id}?done=${action}`, 303);
      } catch (err) {
        return refused(reply, request, err, `/admin/cycles/${id}`);
      }
    });
  }
}

// The admin pages: sign-in, sign-out, the home page with each section the role may open, and the
// sections themselves (web/admin/*). All in one encapsulated scope with form bodies and cookies.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { audit } from '../../lib/audit';
import type { WebContext } from '../http/context';
import { html } from '../http/html';
import { field } from '../http/form';
import { adminScope, messagePage, sendAdminPage } from './http';
import { hiddenCsrf, sectionsFor } from './layout';
import { adminCycleRoutes } from './cycle-routes';
import { adminDecisionRoutes } from './decision-routes';
import { adminFinanceReportRoutes } from './finance-report-routes';
import { adminProgramRoutes } from './program-routes';
import { adminReviewRoutes } from './review-routes';
import { signInLimited, signInSucceeded, staffSignIn } from './sign-in';
import {
  currentSession,
  endSession,
  requireAdminSession,
  safeNext,
  signInFormToken,
  signInFormTokenValid,
  startSession,
  type AdminSession,
} from './session';

/** The routes' context, and whether this is production (where a second factor is required of some roles). */
interface SignInForm {
  username: string;
  next: string;
  problem?: string;
  notice?: string;
}

function signInPage(reply: FastifyReply, token: string, f: SignInForm, status = 200): FastifyReply {
  // The problem is one sentence for every failure: it never says whether the username exists.
  const body = html`${f.problem ? html`<div class="summary" role="alert" tabindex="-1"><p>${f.problem}</p></div>` : ''}
${f.notice ? html`<div class="notice" role="status"><p>${f.notice}</p></div>` : ''}
<h1>Sign in</h1><p>For program staff: reviewers, approvers, administrators and finance.</p>
<form method="post" action="/admin/sign-in" class="narrow">${hiddenCsrf(token)}<input type="hidden" name="next" value="${f.next}">
<div class="f"><label for="username">Username</label><input id="username" name="username" type="text" value="${f.username}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="64" required></div>
<div class="f"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" maxlength="1024" required></div>
<div class="f"><label for="code">Code from your authenticator app</label><span class="hint" id="code-hint">Six digits. Leave empty if you were not given a second factor.</span>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="12" class="short" aria-describedby="code-hint"></div>
<button type="submit">Sign in</button></form>`;
  return sendAdminPage(reply, { status, title: f.problem ? 'Error: Sign in' : 'Sign in', body });
}

export function adminRoutes(app: FastifyInstance, ctx: WebContext): void {
  const checkCredentials = staffSignIn(ctx.db, ctx.config);
  const signedIn = { preHandler: requireAdminSession(ctx.db) };

  adminScope(app, ctx.log, (scope) => {
    scope.get<{ Querystring: { next?: string; signedOut?: string } }>('/admin/sign-in', async (request, reply) => {
      const next = safeNext(request.query.next);
      if (await currentSession(ctx.db, request)) return reply.redirect(next, 303);
      const notice = request.query.signedOut === '1' ? 'You are signed out.' : undefined;
      return signInPage(reply, signInFormToken(request, reply), { username: '', next, notice });
    });

    scope.post('/admin/sign-in', async (request, reply) => {
      const username = field(request.body, 'username').trim().slice(0, 64);
      const next = safeNext(field(request.body, 'next'));
      const token = signInFormToken(request, reply);
      // Every attempt counts, before anything else is looked at (request.ip is the client's behind a trusted proxy).
      const limited = await signInLimited(ctx.limits, request.ip, username);
      if (limited) {
        void reply.header('retry-after', String(limited.retryAfterSeconds));
        return signInPage(reply, token, { username, next, problem: limited.sentence }, 429);
      }
      if (!signInFormTokenValid(request)) {
        return signInPage(reply, token, { username, next, problem: 'The sign-in form had expired. Sign in again.' }, 403);
      }
      const result = await checkCredentials(
        username,
        field(request.body, 'password').slice(0, 1024),
        field(request.body, 'code').slice(0, 12),
      );
      if (result.kind === 'wrong') {
        // Already counted against the username's lock-out (signInLimited): a right answer forgets it below.
        return signInPage(reply, token, { username, next, problem: 'The username, the password or the code is not right.' }, 401);
      }
      if (result.kind === 'second_factor_required') {
        // Said only after the right password: whoever reads it already knows it.
        return signInPage(
          reply,
          token,
          {
            username,
            next,
            problem:
              'Your role needs a second factor here: ask an administrator to enrol you with npm run totp -- enroll ' +
              `${result.username}, add the secret it prints to an authenticator app, then sign in with its code.`,
          },
          403,
        );
      }
      await signInSucceeded(ctx.limits, username);
      await startSession(ctx.db, request, reply, result.user);
      await audit(ctx.db, { actor: result.user.id, action: 'admin.signed_in', entityType: 'user', entityId: result.user.id });
      return reply.redirect(next, 303);
    });

    scope.post('/admin/sign-out', signedIn, async (request, reply) => {
      const user = (request.adminSession as AdminSession).user;
      await endSession(ctx.db, request, reply);
      await audit(ctx.db, { actor: user.id, action: 'admin.signed_out', entityType: 'user', entityId: user.id });
      return reply.redirect('/admin/sign-in?signedOut=1', 303);
    });

    scope.get('/admin', signedIn, (request, reply) => {
      const session = request.adminSession as AdminSession;
      const sections = sectionsFor(session.user.role);
      const body = html`<h1>Amparo admin</h1>
${
  sections.length
    ? html`<ul>${sections.map((s) => html`<li><a href="${s.href}">${s.label}</a>: ${s.description}</li>`)}</ul>`
    : html`<p>There are no pages for your role yet. Use the admin API with your token.</p>`
}`;
      return sendAdminPage(reply, { title: 'Home', session, current: '/admin', body });
    });

    adminReviewRoutes(scope, ctx);
    adminCycleRoutes(scope, ctx);
    adminFinanceReportRoutes(scope, ctx);
    adminDecisionRoutes(scope, ctx);
    adminProgramRoutes(scope, ctx);

    // Anything else under /admin: an HTML 404 in the admin layout rather than the API's JSON.
    scope.get('/admin/*', async (request, reply) =>
      messagePage(reply, {
        status: 404,
        session: await currentSession(ctx.db, request),
        title: 'Page not found',
        text: 'There is no admin page at this address.',
      }),
    );
  });
}

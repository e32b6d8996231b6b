// The applicant's pages: the form (/apply) and the status look-up and appeal (/status), server-rendered
// without JavaScript, in Spanish, Portuguese and English.
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../http/context';
import { accountRoutes } from './account-routes';
import { applyRoutes } from './apply-routes';
import { statusRoutes } from './status-routes';

export function applicantRoutes(app: FastifyInstance, ctx: WebContext): void {
  applyRoutes(app, ctx);
  statusRoutes(app, ctx);
  accountRoutes(app, ctx);
}

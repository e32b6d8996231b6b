// The JSON API (/api/v1): intake, programs, cycles, reviews, reconciliation and finance reports, and its
// OpenAPI description; and the Temporal UI's codec endpoint (/codec). Refusals become JSON with the status
// of web/http/errors.ts.
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../http/context';
import { applicationRoutes } from './applications';
import { cycleRoutes } from './cycles';
import { decisionRoutes } from './decisions';
import { erasureRoutes } from './erasure';
import { financeReportRoutes } from './finance-reports';
import { householdRemovalRoutes } from './household-removal';
import { identityDisputeRoutes } from './identity-disputes';
import { openApiRoutes } from './openapi';
import { programRoutes } from './programs';
import { reconciliationRoutes } from './reconciliation';
import { reviewRoutes } from './reviews';
import { temporalCodecRoutes } from './temporal-codec';

export function apiRoutes(app: FastifyInstance, ctx: WebContext): void {
  programRoutes(app, ctx);
  applicationRoutes(app, ctx);
  cycleRoutes(app, ctx);
  financeReportRoutes(app, ctx);
  reconciliationRoutes(app, ctx);
  reviewRoutes(app, ctx);
  decisionRoutes(app, ctx);
  identityDisputeRoutes(app, ctx);
  erasureRoutes(app, ctx);
  householdRemovalRoutes(app, ctx);
  temporalCodecRoutes(app, ctx);
  openApiRoutes(app);
}

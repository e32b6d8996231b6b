// What the rails send us: their notifications, which only ever make a batch workflow ask the rail again.
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../http/context';
import { callbackRoutes } from './callbacks';

export function railRoutes(app: FastifyInstance, ctx: WebContext): void {
  callbackRoutes(app, ctx);
}

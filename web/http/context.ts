// What the web routes need: the services' context, and what only the edge uses (the shared rate limits).
import type { ServiceContext } from '../services/context';
import type { RateLimits } from './rate-limits';

export interface WebContext extends ServiceContext {
  limits: RateLimits;
}

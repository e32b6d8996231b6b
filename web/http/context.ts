// What the web routes need: the services' context, and what only the edge uses (the shared rate limits,
// the rails' callback keys and the signatures already taken, the proxy it trusts, production mode, and the
// Temporal UI's codec endpoint: the payload keys, the namespace and the UI's origin).
import type { Config } from '../../lib/config';
import type { ServiceContext } from '../services/context';
import type { RateLimits } from './rate-limits';
import type { SeenSignatures } from './seen-signatures';

export interface WebContext extends ServiceContext {
  limits: RateLimits;
  seenSignatures: SeenSignatures;
  config: ServiceContext['config'] &
    Pick<
      Config,
      | 'BANK_CALLBACK_SECRET'
      | 'WALLET_CALLBACK_SECRET'
      | 'AMPARO_ENV'
      | 'TRUST_PROXY'
      | 'TEMPORAL_PAYLOAD_KEYS'
      | 'TEMPORAL_NAMESPACE'
      | 'TEMPORAL_UI_ORIGIN'
    >;
}

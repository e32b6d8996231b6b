// The provider's account look-ups, in the GSMA Mobile Money API's shape (v1.2, Accounts):
//   GET /accounts/msisdn/{msisdn}/accountname → 200 { name: { fullName, firstName?, lastName? } }
//   GET /accounts/msisdn/{msisdn}/status      → 200 { accountStatus, subStatus }
// 404 (identification / identifierError) for a wallet the provider does not have, 400 (validation /
// formatError, naming the path parameter) for a malformed one. A wallet held by someone else answers with
// that person's name, as a real provider does: the client detects the mismatch by comparing names.
// Responses carry personal data by design; logs never do (nothing here logs).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AccountHolder, AccountState } from '../shared/account-holders';
import type { FaultState, WalletFaults } from './faults';
import { E164, errorParameters, formatError, type GsmaError } from './messages';
import type { WalletAccounts } from './wallet-accounts';

/** GSMA's subjectName, as much of it as the provider knows. */
export interface AccountName {
  fullName: string;
  firstName?: string;
  lastName?: string;
}
export interface AccountNameResponse {
  name: AccountName;
}

/**
 * GSMA's harmonised accountStatus ('available' means transactions may be posted), and a provider-specific
 * subStatus that tells a closed wallet from a dormant one.
 */
export interface AccountStatusResponse {
  accountStatus: 'available' | 'unavailable';
  subStatus: 'active' | 'closed' | 'dormant';
}

const STATUS: Record<AccountState, AccountStatusResponse> = {
  OPEN: { accountStatus: 'available', subStatus: 'active' },
  CLOSED: { accountStatus: 'unavailable', subStatus: 'closed' },
  DORMANT: { accountStatus: 'unavailable', subStatus: 'dormant' },
};

/** No MSISDN in it: error bodies may end up in the client's logs. */
export const unknownAccount: GsmaError = {
  errorCategory: 'identification',
  errorCode: 'identifierError',
  errorDescription: 'no account with this identifier',
};

// GSMA's path is /accounts/{identifierType}/{identifier}/...; this provider identifies wallets by MSISDN
// only. Fastify has already URL-decoded the identifier, so '%2B5511...' and '+5511...' are the same.
const Params = z.object({
  identifierType: z.literal('msisdn', { error: "must be 'msisdn' (the only identifier type this provider supports)" }),
  identifier: E164,
});

/**
 * The name as the provider holds it. Given and family names are guessed from the full name: the first
 * word and the rest, or either side of the comma of a "Surnames, Given" name; a client should compare
 * fullName.
 */
export function accountName(fullName: string): AccountName {
  const full = fullName.trim().replace(/\s+/g, ' ');
  const comma = full.indexOf(',');
  const [firstName, lastName] =
    comma >= 0
      ? [full.slice(comma + 1).trim(), full.slice(0, comma).trim()]
      : [full.split(' ')[0] ?? '', full.split(' ').slice(1).join(' ')];
  return firstName && lastName ? { fullName: full, firstName, lastName } : { fullName: full };
}

/** The fault lists as sets, rebuilt only when the configuration is replaced (they may hold 100,000 numbers). */
function faultLists(): (f: WalletFaults) => { unknown: Set<string>; closed: Set<string> } {
  let cached: { config: WalletFaults; unknown: Set<string>; closed: Set<string> } | null = null;
  return (config) => {
    if (cached?.config !== config) cached = { config, unknown: new Set(config.unknownWallets), closed: new Set(config.closedWallets) };
    return cached;
  };
}

export interface AccountLookupDeps {
  accounts: WalletAccounts;
  faults: FaultState;
  /** The server's latency / 503 faults for this kind of request; false when it has answered already. */
  gate(reply: FastifyReply): Promise<boolean>;
}

export function registerAccountLookups(app: FastifyInstance, deps: AccountLookupDeps): void {
  const lists = faultLists();

  /** The wallet as the provider sees it now: the population's holder, then the drill's fault lists. */
  function find(msisdn: string): { holder: AccountHolder; state: AccountState } | null {
    const { unknown, closed } = lists(deps.faults.current);
    const holder = deps.accounts.holder(msisdn);
    if (!holder || unknown.has(msisdn)) return null;
    return { holder, state: closed.has(msisdn) ? 'CLOSED' : holder.state };
  }

  const lookup =
    <T>(answer: (found: { holder: AccountHolder; state: AccountState }) => T) =>
    async (req: { params: unknown }, reply: FastifyReply) => {
      if (!(await deps.gate(reply))) return reply;
      const p = Params.safeParse(req.params);
      if (!p.success) return reply.code(400).send(formatError(errorParameters(p.error)));
      const found = find(p.data.identifier);
      return found ? answer(found) : reply.code(404).send(unknownAccount);
    };

  app.get(
    '/accounts/:identifierType/:identifier/accountname',
    lookup(({ holder }): AccountNameResponse => ({ name: accountName(holder.name) })),
  );
  app.get(
    '/accounts/:identifierType/:identifier/status',
    lookup(({ state }): AccountStatusResponse => ({ ...STATUS[state] })),
  );
}

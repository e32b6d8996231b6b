// Both rail simulators, a callback edge and a Temporal worker wired to them: the setup of every workflow
// test that pays through the bank and the wallet. Each harness has its own simulator instances.
import { loadConfig } from '../../lib/config';
import type { Db } from '../../lib/db';
import type { FaultConfigInput } from '../../simulators/bank/faults';
import type { WalletFaultsInput } from '../../simulators/wallet/faults';
import { testActivities, testQueues } from './activities';
import { startBank, type TestBank } from './bank';
import { railCallbackServer } from './rail-callbacks';
import { startTestWorker, type TestTemporal } from './temporal';
import { uid } from './util';
import { startWallet, type TestWallet } from './wallet';

export interface RailsHarness {
  bank: TestBank;
  wallet: TestWallet;
  temporal: TestTemporal;
  /** The worker's activities, for tests that run one step outside a workflow (MockActivityEnvironment). */
  activities: ReturnType<typeof testActivities>;
  /** Notifications the callback edge accepted so far. */
  callbacksReceived(): number;
  /** Notifications the callback edge refused (unsigned, replayed, too large, unreadable): none from a correct rail. */
  callbacksRefused(): number;
  close(): Promise<void>;
}

export async function startRails(
  db: Db,
  opts: {
    bankFaults?: FaultConfigInput;
    walletFaults?: WalletFaultsInput;
    railTimeoutMs?: number;
    /** 'off' for tests of the rails' own refusals: a dirty account then leaves and the rail fails it. */
    prePaymentCheck?: 'on' | 'off';
  } = {},
): Promise<RailsHarness> {
  const config = loadConfig();
  const queues = testQueues();
  const bank = await startBank(uid('bank'), { faults: opts.bankFaults ?? {} });
  const wallet = await startWallet(uid('wallet'), { listen: true, faults: opts.walletFaults ?? {} });
  const bankUrl = await bank.app.listen({ host: '127.0.0.1', port: 0 });
  // The callback edge needs the worker's client, and the worker needs the edge's URL: the client is read late.
  const worker: { current?: TestTemporal } = {};
  const callbacks = await railCallbackServer({ db, temporal: () => worker.current!.client });
  const activities = testActivities(queues.queues, {
    db,
    config: {
      ...config,
      BANK_SIM_URL: bankUrl,
      WALLET_SIM_URL: wallet.url,
      PUBLIC_URL: callbacks.publicUrl,
      RAIL_TIMEOUT_MS: opts.railTimeoutMs ?? config.RAIL_TIMEOUT_MS,
      PRE_PAYMENT_ACCOUNT_CHECK: opts.prePaymentCheck ?? 'on',
    },
  });
  const temporal = await startTestWorker(activities);
  worker.current = temporal;
  return {
    bank,
    wallet,
    temporal,
    activities,
    callbacksReceived: callbacks.received,
    callbacksRefused: callbacks.refused,
    async close() {
      await temporal.close();
      await Promise.all([bank.close(), wallet.close(), callbacks.close()]);
      await queues.close();
    },
  };
}

// The mobile-wallet provider as a rail: a GSMA-style bulk API (batches, completions and rejections,
// settlement reports, account look-ups), its callbacks at /callbacks/wallet. Everything wallet-specific
// is in this folder.
import { parseInput } from '../../schema/fields';
import { WalletCallbackInput, walletCallbackInput } from '../../schema/wallet-callback';
import type { RailPlugin } from '../rail';
import { settlementFile } from './statement';
import { createWalletClient, WALLET_PROVIDER, type WalletClient } from './client';

export const walletRail: RailPlugin<WalletClient> = {
  rail: 'WALLET',
  provider: WALLET_PROVIDER,
  callbackPath: 'wallet',
  readStatementFile: (body) => settlementFile(WALLET_PROVIDER, body),
  callback: {
    // GSMA providers PUT the batch object; POST is taken too, for providers that post notifications.
    methods: ['PUT', 'POST'],
    contentTypes: ['application/json'],
    body: 'json',
    secret: 'WALLET_CALLBACK_SECRET',
    read(headers, body) {
      const parsed = parseInput(WalletCallbackInput, walletCallbackInput(headers, body));
      if (!parsed.ok) return parsed;
      const { 'X-Event-Id': eventId, 'X-CorrelationID': messageId, batchId, batchStatus, completedCount, rejectionCount } = parsed.value;
      return {
        ok: true,
        notification: { eventId, kind: 'batch-notification', messageId, payload: { batchId, batchStatus, completedCount, rejectionCount } },
      };
    },
  },
  client: (config) => createWalletClient(config.WALLET_SIM_URL, { timeoutMs: config.RAIL_TIMEOUT_MS }),
};

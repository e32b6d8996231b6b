// The mobile-wallet provider as a rail: a GSMA-style bulk API (batches, completions and rejections,
// settlement reports, account look-ups), its callbacks at /callbacks/wallet. Everything wallet-specific
// is in this folder.
import type { RailPlugin } from '../rail';
import { settlementFile } from './statement';
import { createWalletClient, WALLET_PROVIDER, type WalletClient } from './client';

export const walletRail: RailPlugin<WalletClient> = {
  rail: 'WALLET',
  provider: WALLET_PROVIDER,
  callbackPath: 'wallet',
  readStatementFile: (body) => settlementFile(WALLET_PROVIDER, body),
  client: (config) => createWalletClient(config.WALLET_SIM_URL, { timeoutMs: config.RAIL_TIMEOUT_MS }),
};

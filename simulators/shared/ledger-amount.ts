// How the simulated rails write an amount: their ledgers are numeric(18,2) whatever the currency (a bank's
// books, not our currency rules), so every amount they report is exact decimal text with two places.
import Decimal from 'decimal.js';

export function ledgerAmount(value: Decimal.Value): string {
  return new Decimal(value).toFixed(2);
}

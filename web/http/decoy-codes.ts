// Decoy codes (web/services/phone-verification.ts): what a number no application waits on answers when
// a code is typed for it, so that guessing numbers learns nothing. Kept in Redis with the rate limits, by
// keyed hash of the number: "sent" marks the code live for CODE_TTL_MS and forgets its tries; a typed code
// is expired when none is live, wrong for MAX_WRONG_TRIES tries, then too many — as a real code answers
// someone who does not have it.
import type { DecoyCodes } from '../services/phone-verification';
import { Refusal } from '../services/refusal';
import type { RateLimits } from './rate-limits';

export function decoyCodes(limits: RateLimits): DecoyCodes {
  return {
    async send(number) {
      await limits.reset('decoyCodeTries', number);
      await limits.reset('decoyCodeLive', number);
      await limits.consume('decoyCodeLive', number);
    },
    async check(number) {
      if ((await limits.consumed('decoyCodeLive', number)) === 0) return 'expired';
      try {
        await limits.consume('decoyCodeTries', number);
        return 'wrong';
      } catch (err) {
        if (err instanceof Refusal) return 'too_many';
        throw err;
      }
    },
  };
}

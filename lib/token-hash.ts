// The one way a random bearer secret (an API token, a session cookie) is stored: its SHA-256. Such a
// secret has 192 bits or more of randomness, so a fast hash is enough (no password-style stretching),
// and a database leak gives nothing that authenticates.
import { createHash } from 'node:crypto';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

// Abuse check (not a test): starts the stack, files one application, then tries what an attacker with the
// application number would: guess the birth date on the status page as fast as possible, from many
// addresses at once (a botnet, so the limits per address do not help: the web server trusts a proxy on
// this machine and each guess comes "from" its own X-Forwarded-For). Prints how the guesses were answered,
// when the lock-out came, how long the guessing took, and whether the right birth date is refused once
// the number is locked. The limits are web/http/rate-limits.ts's.
// Usage: npm run bench:abuse -- [--guesses 500] [--concurrency 16]
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createUser } from '../lib/users';
import { AmparoApi } from './api-client';
import { SAMPLE_APPLICATION } from './applicants';
import { removeQueues } from './queues-cleanup';
import { stackEnv, startStack } from './stack';

const { values } = parseArgs({ options: { guesses: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '16' } } });
const guesses = Number(values.guesses);
const run = `abuse-${Date.now().toString(36)}`;
const env = await stackEnv(process.env, { QUEUE_PREFIX: `amparo-${run}`, TEMPORAL_TASK_QUEUE: `amparo-${run}`, TRUST_PROXY: 'loopback' });
const stack = await startStack(env);
const config = loadConfig(env);
const db = createDb(config.DATABASE_URL, 2);
try {
  const admin = await createUser(db, `abuse-admin-${run}`, 'ADMIN');
  const code = `ABUSE-${run}`.toUpperCase().slice(0, 40);
  await new AmparoApi(stack.urls.web, admin.token).createProgram({
    code,
    name: `Abuse check ${run}`,
    country: 'BR',
    currency: 'BRL',
    baseAmount: '600.00',
    fundingAccount: `AMPARO-${code}`.slice(0, 34),
    rules: [{ type: 'min_applicant_age', years: 18 }],
  });
  const ack = await new AmparoApi(stack.urls.web).submitApplication(code, SAMPLE_APPLICATION);

  const number = ack.body.applicationNumber!;
  const lookup = async (day: number, month: number, year: number, from: number) => {
    const res = await fetch(`${stack.urls.web}/status`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'accept-language': 'en',
        'x-forwarded-for': `10.${(from >> 16) & 255}.${(from >> 8) & 255}.${from & 255}`,
      },
      body: new URLSearchParams({ number, dobDay: String(day), dobMonth: String(month), dobYear: String(year) }).toString(),
    });
    const body = await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), when: /try again in ([^.]+)\./.exec(body)?.[1] };
  };

  // Guesses from 1 January 1950 on, never the right date; several clients at once, as a script would.
  const answers: Array<{ i: number; status: number; ms: number; retryAfter: string | null; when?: string }> = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (next < guesses) {
        const i = next++;
        const d = new Date(Date.UTC(1950, 0, 1 + i));
        const a = await lookup(d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCFullYear(), i);
        answers.push({ i, ...a, ms: performance.now() - t0 });
      }
    }),
  );
  const total = performance.now() - t0;
  const byStatus = answers.reduce<Record<number, number>>((m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }), {});
  const wrongAnswered = answers.filter((a) => a.status === 404).length;
  const firstRefusal = answers.filter((a) => a.status === 429).sort((a, b) => a.ms - b.ms)[0];
  const [year, month, day] = SAMPLE_APPLICATION.dateOfBirth.split('-').map(Number) as [number, number, number];
  const right = await lookup(day, month, year, guesses + 1);
  console.log('================ Amparo abuse check: birth-date guessing ================');
  console.log(
    `Guesses sent         ${guesses} from ${guesses} addresses, ${values.concurrency} at a time, in ${(total / 1000).toFixed(2)} s`,
  );
  console.log(
    `Answers              ${Object.entries(byStatus)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ')}`,
  );
  console.log(`Guesses checked      ${wrongAnswered} (each a "not found"); every other one refused unchecked`);
  if (firstRefusal)
    console.log(
      `First refusal        after ${firstRefusal.ms.toFixed(0)} ms: 429, Retry-After ${firstRefusal.retryAfter} s, page says "try again in ${firstRefusal.when}"`,
    );
  console.log(`Right date, after    ${right.status}${right.status === 429 ? ` (locked: try again in ${right.when})` : ''}`);
  console.log(`At this rate         ${wrongAnswered} guesses per hour per number; ~36,500 possible birth dates`);
  console.log('=========================================================================');
  if (wrongAnswered > 5 || right.status !== 429) process.exitCode = 1;
} finally {
  await db.$disconnect();
  await stack.stop();
  await removeQueues(config.REDIS_URL, env.QUEUE_PREFIX!);
}

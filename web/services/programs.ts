// Creating a program, shared by the JSON API and the admin page so the two cannot drift: the program,
// its first rule set (version 1) and the audit row in one transaction; a taken code is a 409.
import { audit } from '../../lib/audit';
import { COUNTRY_CALLING_CODE } from '../../domain/phone';
import { Prisma } from '../../lib/db';
import type { ProgramInput } from '../../schema/program';
import type { ServiceContext } from './context';
import { refuse } from './refusal';

export async function createProgram(
  ctx: Pick<ServiceContext, 'db'>,
  userId: string,
  input: ProgramInput,
): Promise<{ id: string; code: string }> {
  const { rules, phoneCallingCodes, ...program } = input;
  try {
    return await ctx.db.$transaction(async (tx) => {
      const p = await tx.program.create({
        data: {
          ...program,
          phoneCallingCodes: phoneCallingCodes ?? [COUNTRY_CALLING_CODE[program.country]],
          ruleSets: { create: { version: 1, rules } },
        },
        select: { id: true, code: true },
      });
      await audit(tx, { actor: userId, action: 'program.created', entityType: 'program', entityId: p.id, details: { code: p.code } });
      return p;
    });
  } catch (err) {
    // The unique code is checked by the database, not before: two creations at once cannot both pass.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
      throw refuse('program_code_taken', { code: 'already used' });
    throw err;
  }
}

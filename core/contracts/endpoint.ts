import { z } from 'zod';
import type { Role } from '../roles';

/**
 * Who may call an endpoint. The engine refuses everything else: an endpoint without an entry here
 * cannot exist (the Handlers type demands one handler per entry and nothing more).
 * - `public`: no session (first-run setup, login).
 * - `signed-in`: any live session.
 * - a role list: a live session whose user holds at least one of them.
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

export interface Endpoint<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly access: Access;
}

export function endpoint<I extends z.ZodType, O extends z.ZodType>(
  access: Access,
  input: I,
  output: O,
): Endpoint<I, O> {
  return { input, output, access };
}

// Bounded strings everywhere: a payload can never make the engine hash or store megabytes.
export const short = (max = 200) => z.string().max(max);
export const password = z.string().min(1).max(256);
export const id = z.number().int().positive();
export const none = z.object({}).strict();
export const ok = z.object({ done: z.literal(true) });

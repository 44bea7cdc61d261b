import type { VERIFICATION_API } from '../../../core/contracts/api-verification';
import type { EngineHandlers, EngineServices } from '../context';

// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- empty until the area's channels land
type VerificationHandlers = Pick<EngineHandlers, keyof typeof VERIFICATION_API>;

export function verificationHandlers(_s: EngineServices): VerificationHandlers {
  return {};
}

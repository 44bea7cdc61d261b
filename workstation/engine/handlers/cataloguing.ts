import type { CATALOGUING_API } from '../../../core/contracts/api-cataloguing';
import type { EngineHandlers, EngineServices } from '../context';

// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- empty until the area's channels land
export function cataloguingHandlers(_s: EngineServices): Pick<EngineHandlers, keyof typeof CATALOGUING_API> {
  return {};
}

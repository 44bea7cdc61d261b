import type { STATS_API } from '../../../core/contracts/api-stats';
import type { EngineHandlers, EngineServices } from '../context';

// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- empty until the area's channels land
export function statsHandlers(_s: EngineServices): Pick<EngineHandlers, keyof typeof STATS_API> {
  return {};
}

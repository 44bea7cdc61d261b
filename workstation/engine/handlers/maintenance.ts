import type { MAINTENANCE_API } from '../../../core/contracts/api-maintenance';
import type { EngineHandlers, EngineServices } from '../context';

// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- empty until the area's channels land
export function maintenanceHandlers(_s: EngineServices): Pick<EngineHandlers, keyof typeof MAINTENANCE_API> {
  return {};
}

import type { CAPTURE_API } from '../../../core/contracts/api-capture';
import type { EngineHandlers, EngineServices } from '../context';

// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- empty until the area's channels land
export function captureHandlers(_s: EngineServices): Pick<EngineHandlers, keyof typeof CAPTURE_API> {
  return {};
}

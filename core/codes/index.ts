export {
  USCC_CHARSET,
  USCC_WEIGHTS,
  DEFAULT_PILOT_ALLOW_LIST,
  usccCheckChar,
  validateUscc,
  suggestUscc,
} from './uscc';
export type { UsccOptions, UsccParts, UsccResult } from './uscc';
export { regNoCheckDigit, validateRegNo } from './regno';
export type { RegNoParts, RegNoResult } from './regno';
export { checkCode } from './check-code';
export type { CodeCheck, CodeKind } from './check-code';

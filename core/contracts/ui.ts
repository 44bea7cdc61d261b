// Pure domain helpers the renderer may use directly (it may import only core/contracts): the password
// rules, to explain them while the user types; the engine enforces them again on write.
export {
  passwordProblems,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MIN_CLASSES,
  PASSWORD_HISTORY,
  PASSWORD_MAX_AGE_DAYS,
  expiryWarningDue,
  type CharClass,
  type PasswordProblems,
} from '../password-policy';
export type { Text, Locale } from '../text';
export type { Role } from '../roles';
export type { VolumeState } from '../lifecycle';

// The screens word the region check of a USCC against a 注册号 as the machine check does.
export { usccRegionHint } from '../verification/uscc-of-regno-enterprise';

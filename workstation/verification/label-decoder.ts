import { decodeLabel } from '../../core/labels/label-codec';
import type { LabelDecoder } from '../../core/verification/machine-checks';

/** Our label codec (core/labels) as the machine checks use it: what one of our labels names, null for anything else. */
export const decodeVolumeLabel: LabelDecoder = (payload) => {
  const r = decodeLabel(payload);
  return r.ok ? { volumeUid: r.label.volumeId, archiveNo: r.label.archiveNo } : null;
};

import { LAYOUT_NAMES, SHEET_LAYOUTS, labelSheetPdf, type LabelItem } from '../../labels/label-pdf';
import { VOLUME_TYPES } from '../../../core/vocabulary';
import type { EngineHandlers, EngineServices } from '../context';

type LabelHandlers = Pick<EngineHandlers, 'labels.layouts' | 'labels.pdf'>;

/** 标签打印: the QR label sheets (workstation/labels) for chosen volumes, as a PDF to print. */
export function labelHandlers(s: EngineServices): LabelHandlers {
  const { repos } = s;
  return {
    'labels.layouts': () =>
      Promise.resolve(
        LAYOUT_NAMES.map((name) => ({
          name,
          description:
            SHEET_LAYOUTS[name]?.description ?? 'A4 案卷分隔页（大二维码）/ cover and separator sheet',
        })),
      ),
    'labels.pdf': async ({ volumeIds, layout, skip }) => {
      const items: LabelItem[] = volumeIds.map((id) => {
        const v = repos.volumes.get(id);
        const e = repos.enterprises.get(v.enterpriseId);
        const type = VOLUME_TYPES.find((t) => t.code === v.volumeType);
        return {
          label: { archiveNo: v.archiveNo, uscc: e.uscc ?? e.regNo ?? '', volumeId: v.uid },
          enterpriseName: e.name,
          caption: `${type?.name ?? v.volumeType} · ${v.year}`,
        };
      });
      const pdf = await labelSheetPdf(items, { layout, ...(skip !== undefined ? { skip } : {}) });
      const first = items[0]?.label.archiveNo ?? 'labels';
      return {
        pdfBase64: Buffer.from(pdf).toString('base64'),
        labels: items.length,
        // ASCII and deterministic, like every file name the workstation writes.
        fileName: `labels-${first.replace(/[^0-9A-Za-z-]/g, '_')}${items.length > 1 ? `-${items.length}` : ''}.pdf`,
      };
    },
  };
}

import sharp from 'sharp';

/**
 * Demo pages for cataloguing, OCR and verification until the capture pipeline produces real ones:
 * A4 pages rendered from SVG (Noto CJK through librsvg/fontconfig) with a title zone the way
 * registration documents print it — a large centred title on a document's first page, body text on
 * the following pages (whose top lines sometimes mention other documents' keywords, as real text does).
 */

export interface DemoDocument {
  readonly typeCode: string;
  readonly title: string;
  readonly pages: number;
  /** Extra lines printed under the title on the first page (a USCC, a name). */
  readonly header?: readonly string[];
}

export interface DemoPage {
  /** 1-based. */
  readonly seq: number;
  readonly png: Buffer;
  /** Index of the document the page belongs to, or null for a blank page. */
  readonly document: number | null;
  readonly isBlank: boolean;
}

export interface DemoVolume {
  readonly documents: readonly DemoDocument[];
  readonly pages: readonly DemoPage[];
}

const FONT = "'Noto Serif CJK SC', 'Noto Sans CJK SC', serif";

/** Body sentences; several mention other document types, as running text does. */
const BODY = [
  '根据《中华人民共和国公司法》及有关规定，现将有关事项说明如下。',
  '本公司住所为厦门市思明区湖滨南路八十八号，邮政编码三六一零零一。',
  '经全体股东一致同意，选举张三为执行董事，任期三年。',
  '依照公司章程的规定，股东会会议由执行董事召集和主持。',
  '注册资本为人民币壹佰万元，由股东以货币方式按期缴足。',
  '经营范围：软件开发；信息技术咨询服务；计算机系统集成。',
  '申请人对所提交材料的真实性、合法性、有效性负责。',
  '附：身份证明复印件一份，住所证明一份。',
  '以上事项经股东会决议通过，特此证明。',
  '本页以下空白。',
  // Short lines that name other documents, the classic trap for a keyword classifier.
  '附：营业执照复印件一份。',
  '（接上页）股东会决议',
  '公司章程（续）',
];

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One page as PNG at `dpi` (A4). `title` is drawn large and centred at the top; `lines` follow. */
export async function renderPage(options: {
  title?: string;
  header?: readonly string[];
  lines: readonly string[];
  dpi?: number;
}): Promise<Buffer> {
  const dpi = options.dpi ?? 150;
  const w = Math.round(8.27 * dpi);
  const h = Math.round(11.69 * dpi);
  const unit = dpi / 150;
  const parts: string[] = [];
  let y = Math.round(150 * unit);
  if (options.title !== undefined) {
    parts.push(
      `<text x="${w / 2}" y="${y}" font-size="${Math.round(46 * unit)}" font-weight="bold" text-anchor="middle" font-family="${FONT}">${escapeXml(options.title)}</text>`,
    );
    y += Math.round(90 * unit);
  }
  for (const line of [...(options.header ?? []), ...options.lines]) {
    parts.push(
      `<text x="${Math.round(120 * unit)}" y="${y}" font-size="${Math.round(26 * unit)}" font-family="${FONT}">${escapeXml(line)}</text>`,
    );
    y += Math.round(48 * unit);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`;
  return sharp(Buffer.from(svg)).greyscale().png({ compressionLevel: 6 }).withDensity(dpi).toBuffer();
}

/** A white page (a blank back side). */
export async function blankPage(dpi = 150): Promise<Buffer> {
  const w = Math.round(8.27 * dpi);
  const h = Math.round(11.69 * dpi);
  return sharp({ create: { width: w, height: h, channels: 3, background: '#ffffff' } })
    .greyscale()
    .png()
    .withDensity(dpi)
    .toBuffer();
}

/** A small deterministic PRNG (mulberry32), so a demo volume is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Makes a clean page look scanned: a small tilt (±0.8°), a slight blur and a grey, uneven background —
 * what the OCR meets on a flatbed or ADF scan before deskewing.
 */
export async function scanLook(png: Buffer, random: () => number): Promise<Buffer> {
  const angle = (random() - 0.5) * 1.6;
  return sharp(png)
    .rotate(angle, { background: '#ffffff' })
    .blur(0.7 + random() * 0.4)
    .linear(0.85, 20)
    .greyscale()
    .png()
    .toBuffer();
}

/** Renders a volume: each document's first page carries its title, later pages body text only. */
export async function renderVolume(
  documents: readonly DemoDocument[],
  options: { seed?: number; dpi?: number; blankAfter?: readonly number[]; scanned?: boolean } = {},
): Promise<DemoVolume> {
  const random = prng(options.seed ?? 1);
  const pick = (n: number) => Array.from({ length: n }, () => BODY[Math.floor(random() * BODY.length)] ?? '');
  const pages: DemoPage[] = [];
  const dpi = options.dpi ?? 150;
  for (const [index, d] of documents.entries()) {
    for (let p = 0; p < d.pages; p++) {
      const png =
        p === 0
          ? await renderPage({ title: d.title, header: d.header ?? [], lines: pick(4), dpi })
          : await renderPage({ lines: pick(8), dpi });
      pages.push({
        seq: pages.length + 1,
        png: options.scanned === true ? await scanLook(png, random) : png,
        document: index,
        isBlank: false,
      });
    }
    if (options.blankAfter?.includes(index) === true) {
      pages.push({ seq: pages.length + 1, png: await blankPage(dpi), document: null, isBlank: true });
    }
  }
  return { documents, pages };
}

/** Typical titles per document type, as printed (several per type, to vary the demo volumes). */
export const DEMO_TITLES: Readonly<Record<string, readonly string[]>> = {
  APP: ['公司设立登记申请书', '公司登记（备案）申请书', '公司变更登记申请书', '企业注销登记申请书'],
  POA: ['指定代表或者共同委托代理人授权委托书', '授权委托书'],
  SHR: ['股东会决议', '股东决定'],
  BDR: ['董事会决议', '执行董事决定'],
  AOA: ['公司章程', '章程修正案'],
  SHQ: ['股东（发起人）主体资格证明'],
  DSM: ['董事、监事、经理任职文件', '聘任书'],
  LRA: ['法定代表人登记表'],
  IDP: ['居民身份证复印件', '身份证明'],
  ADR: ['房屋租赁合同', '住所（经营场所）证明'],
  NAM: ['企业名称预先核准通知书', '名称自主申报告知书'],
  NOT: ['准予设立登记通知书', '准予变更登记通知书'],
  LIC: ['营业执照'],
  LQR: ['清算报告'],
  TAX: ['清税证明'],
  CRN: ['债权人公告'],
  OTH: ['情况说明', '承诺书'],
};

/** Document type sequences of typical volumes, by volume type. */
const VOLUME_PLANS: Readonly<Record<string, readonly string[]>> = {
  SL: ['APP', 'POA', 'AOA', 'SHR', 'DSM', 'LRA', 'IDP', 'ADR', 'NAM', 'NOT', 'LIC'],
  BG: ['APP', 'POA', 'SHR', 'AOA', 'IDP', 'NOT', 'LIC'],
  ZX: ['APP', 'SHR', 'LQR', 'CRN', 'TAX', 'NOT'],
};

/** A plausible volume of `volumeType`: a random subset of its typical documents, 1–3 pages each. */
export function planVolume(
  volumeType: 'SL' | 'BG' | 'ZX',
  seed: number,
  enterprise: { uscc: string; name: string },
): DemoDocument[] {
  const random = prng(seed);
  const plan = VOLUME_PLANS[volumeType] ?? [];
  return plan
    .filter((code) => code === 'APP' || random() < 0.75)
    .map((code) => {
      const titles = DEMO_TITLES[code] ?? ['其他材料'];
      const title = titles[Math.floor(random() * titles.length)] ?? titles[0] ?? '其他材料';
      const header =
        code === 'APP' || code === 'LIC'
          ? [`统一社会信用代码：${enterprise.uscc}`, `名称：${enterprise.name}`]
          : [];
      return { typeCode: code, title, pages: 1 + Math.floor(random() * 3), header };
    });
}

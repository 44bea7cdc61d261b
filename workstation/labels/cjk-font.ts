import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as fontkit from 'fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';

/**
 * The Chinese font for label PDFs. None ships with an npm package we have, and bundling one would
 * commit megabytes, so the system's font is used: Noto Sans CJK on Linux (Debian fonts-noto-cjk), the
 * Windows and macOS CJK system fonts, or the file named by DANGAN_CJK_FONT (`path` or `path#PostScriptName`
 * for a collection). Only the glyphs used are embedded (subset).
 *
 * Upstream fontkit 2 subsets it, not @pdf-lib/fontkit 1.1.1: that fork writes invalid CID-keyed CFF
 * subsets (Noto Sans CJK renders blank in poppler/FreeType) and corrupts TrueType subsets
 * (Hopding/pdf-lib#1232). pdf-lib takes any object with `create`; the only gap is that pdf-lib reads the
 * subset through `encodeStream()`, which fontkit 2 replaced by `encode()`.
 */

export interface CjkFontFile {
  readonly path: string;
  /** Face to take from a collection (.ttc); absent for a single-font file. */
  readonly postscriptName?: string;
}

/** Where the usual Simplified Chinese system fonts live, most preferred first. */
export const CJK_FONT_CANDIDATES: readonly CjkFontFile[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
  {
    path: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
    postscriptName: 'NotoSansCJKsc-Regular',
  },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei' },
  { path: 'C:\\Windows\\Fonts\\simhei.ttf' },
  { path: 'C:\\Windows\\Fonts\\msyh.ttc', postscriptName: 'MicrosoftYaHei' },
  { path: 'C:\\Windows\\Fonts\\simsun.ttc', postscriptName: 'SimSun' },
  { path: '/System/Library/Fonts/PingFang.ttc', postscriptName: 'PingFangSC-Regular' },
  { path: '/System/Library/Fonts/STHeiti Light.ttc', postscriptName: 'STHeitiSC-Light' },
];

export const CJK_FONT_ENV = 'DANGAN_CJK_FONT';

function parseEnv(value: string): CjkFontFile {
  const hash = value.lastIndexOf('#');
  return hash > 0 ? { path: value.slice(0, hash), postscriptName: value.slice(hash + 1) } : { path: value };
}

/** The font file to use: $DANGAN_CJK_FONT, else the first candidate present. Throws `label.font` if none. */
export function findCjkFont(
  env: Readonly<Record<string, string | undefined>> = process.env,
  candidates: readonly CjkFontFile[] = CJK_FONT_CANDIDATES,
): CjkFontFile {
  const fromEnv = env[CJK_FONT_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const file = parseEnv(fromEnv);
    if (!existsSync(file.path)) {
      throw new DomainError(
        'label.font',
        text(
          `${CJK_FONT_ENV} 指定的字体文件不存在：${file.path}`,
          `The font file named by ${CJK_FONT_ENV} does not exist: ${file.path}`,
        ),
        { path: file.path },
      );
    }
    return file;
  }
  const found = candidates.find((c) => existsSync(c.path));
  if (found) return found;
  throw new DomainError(
    'label.font',
    text(
      `找不到中文字体，无法生成标签。请安装 Noto Sans CJK（Debian：apt install fonts-noto-cjk），或用环境变量 ${CJK_FONT_ENV}=字体文件路径[#PostScript名] 指定。`,
      `No Chinese font found for labels. Install Noto Sans CJK (Debian: apt install fonts-noto-cjk) or set ${CJK_FONT_ENV}=<font file>[#<PostScript name>].`,
    ),
    { tried: candidates.map((c) => c.path) },
  );
}

interface Subset {
  encode(): Uint8Array;
  encodeStream?: () => Readable;
}

type Face = ReturnType<typeof fontkit.create>;

// Opening a 16 MB collection takes about half a second; a process makes many PDFs from one face.
const faces = new Map<string, { bytes: Buffer; face: Face }>();

function openFace(file: CjkFontFile): { bytes: Buffer; face: Face } {
  const key = `${file.path}#${file.postscriptName ?? ''}`;
  const cached = faces.get(key);
  if (cached) return cached;
  const bytes = readFileSync(file.path);
  const face = fontkit.create(bytes, file.postscriptName);
  if (!('createSubset' in face)) {
    const names = 'fonts' in face ? face.fonts.map((f) => f.postscriptName).join(', ') : '';
    throw new DomainError(
      'label.font',
      text(
        `字体文件 ${file.path} 是字体集合，请用 ${CJK_FONT_ENV}=路径#PostScript名 选择其中一种：${names}`,
        `${file.path} is a font collection; choose a face with ${CJK_FONT_ENV}=<path>#<PostScript name>: ${names}`,
      ),
      { path: file.path },
    );
  }
  const createSubset = face.createSubset.bind(face);
  // pdf-lib reads subsets through encodeStream() (fontkit 1); fontkit 2 has encode().
  Object.assign(face, {
    createSubset: () => {
      const subset = createSubset() as unknown as Subset;
      subset.encodeStream = () => Readable.from([subset.encode()]);
      return subset;
    },
  });
  const entry = { bytes, face };
  faces.set(key, entry);
  return entry;
}

/** Embed the face (subset: only the glyphs drawn) into `doc`. */
export async function embedCjkFont(doc: PDFDocument, file: CjkFontFile = findCjkFont()): Promise<PDFFont> {
  const { bytes, face } = openFace(file);
  doc.registerFontkit({ create: () => face } as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  return doc.embedFont(bytes, { subset: true });
}

// Checks a page file written by scanimage before it is handed on. A backend that stops sending data
// early (SANE_STATUS_EOF on the first read, a cable pulled mid-page) still leaves scanimage writing
// a well-formed header with no pixels behind it; such a page must be reported, never stored as if
// the sheet had been captured. scanimage writes uncompressed TIFF and PNM, so the expected pixel-data
// size follows from the header alone. A header reader this small is written here instead of asking
// sharp, which has no PNM reader and does not report the bit depth of bilevel TIFF.

export interface PageFileInfo {
  readonly width: number;
  readonly height: number;
  readonly expectedDataBytes: number;
  readonly dataBytes: number;
  /** Resolution recorded in the file (TIFF only). */
  readonly dpi?: number;
}

export function inspectPnm(bytes: Uint8Array): PageFileInfo | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 512)));
  // P4 (bitmap) has no maxval; P5/P6 do. Comments start with '#'.
  const tokens: string[] = [];
  let i = 0;
  const wanted = head.startsWith('P4') ? 3 : 4;
  while (tokens.length < wanted && i < head.length) {
    const c = head[i] ?? '';
    if (c === '#') {
      while (i < head.length && head[i] !== '\n') i++;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      let token = '';
      while (i < head.length && !/\s/.test(head[i] ?? ' ')) token += head[i++] ?? '';
      tokens.push(token);
    }
  }
  const [magic, w, h, maxval] = tokens;
  if (tokens.length < wanted || magic === undefined || !/^P[456]$/.test(magic)) return undefined;
  const width = Number(w);
  const height = Number(h);
  const sampleBytes = Number(maxval ?? 1) > 255 ? 2 : 1;
  const rowBytes = magic === 'P4' ? Math.ceil(width / 8) : width * sampleBytes * (magic === 'P6' ? 3 : 1);
  const dataStart = i + 1; // one whitespace byte ends the header
  return {
    width,
    height,
    expectedDataBytes: rowBytes * height,
    dataBytes: Math.max(0, bytes.length - dataStart),
  };
}

export function inspectTiff(bytes: Uint8Array): PageFileInfo | undefined {
  if (bytes.length < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  const u16 = (o: number) => view.getUint16(o, le);
  const u32 = (o: number) => view.getUint32(o, le);
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > bytes.length) return undefined;
  const count = u16(ifd);
  const tags = new Map<number, number[]>();
  for (let n = 0; n < count; n++) {
    const e = ifd + 2 + n * 12;
    if (e + 12 > bytes.length) return undefined;
    const tag = u16(e);
    const type = u16(e + 2);
    const values = u32(e + 4);
    const size = type === 3 ? 2 : type === 4 ? 4 : type === 5 ? 8 : 1;
    const at = values * size <= 4 ? e + 8 : u32(e + 8);
    const read: number[] = [];
    for (let k = 0; k < Math.min(values, 64); k++) {
      const o = at + k * size;
      if (o + size > bytes.length) break;
      if (type === 3) read.push(u16(o));
      else if (type === 4) read.push(u32(o));
      else if (type === 5) read.push(u32(o) / (u32(o + 4) || 1));
      else read.push(bytes[o] ?? 0);
    }
    tags.set(tag, read);
  }
  const width = tags.get(256)?.[0];
  const height = tags.get(257)?.[0];
  if (width === undefined || height === undefined) return undefined;
  const bits = tags.get(258)?.[0] ?? 1;
  const samples = tags.get(277)?.[0] ?? 1;
  const compression = tags.get(259)?.[0] ?? 1;
  const stripBytes = (tags.get(279) ?? []).reduce((a, b) => a + b, 0);
  const offsets = tags.get(273) ?? [];
  const firstOffset = offsets[0] ?? bytes.length;
  const expected = Math.ceil((width * bits * samples) / 8) * height;
  const xres = tags.get(282)?.[0];
  return {
    width,
    height,
    // Compressed TIFF (not what scanimage writes) is checked against its own strip sizes.
    expectedDataBytes: compression === 1 ? expected : stripBytes,
    dataBytes: Math.max(0, Math.min(stripBytes, bytes.length - firstOffset)),
    ...(xres === undefined ? {} : { dpi: Math.round(xres) }),
  };
}

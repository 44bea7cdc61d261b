import type { DemoEnterprise } from './enterprise';
import { personName } from './enterprise';
import type { Random } from './random';
import { INK, RED, SANS, line, paragraph, rect, seal, signature, txt } from './svg';

/** The kinds of sheet the demo scanner can produce, in the order of a 设立 (establishment) file. */
export type DemoSheetKind =
  | 'application'
  | 'articles'
  | 'resolution'
  | 'identity'
  | 'premises'
  | 'licence'
  | 'patch-t';

export interface DemoSheet {
  readonly kind: DemoSheetKind;
  /** 0-based page within its document. */
  readonly page: number;
  /** SVG body in millimetre coordinates (the page frame is added by the renderer). */
  readonly body: string;
  /** The page carries red seals or a red header: DA/T 31 wants colour for it. */
  readonly hasRed: boolean;
}

function cnDate(e: DemoEnterprise): string {
  return `${e.date.year}年${e.date.month}月${e.date.day}日`;
}

function formRow(y: number, label: string, value: string, h = 12): string {
  return (
    rect(20, y, 170, h, 0.35) +
    line(58, y, 58, y + h, 0.35) +
    txt(39, y + h / 2 + 1.5, label, { size: 4, anchor: 'middle' }) +
    txt(62, y + h / 2 + 1.5, value, { size: 4, family: SANS })
  );
}

function application(e: DemoEnterprise, page: number): string {
  if (page === 0) {
    let y = 62;
    const rows: [string, string][] = [
      ['名　　称', e.name],
      ['统一社会信用代码', e.uscc],
      ['住　　所', e.address],
      ['法定代表人', e.legalRep],
      ['注册资本', `${e.capitalWan} 万元人民币`],
      ['公司类型', '有限责任公司（自然人投资或控股）'],
      ['营业期限', '长期'],
    ];
    let body =
      txt(105, 35, '公司设立登记申请书', { size: 8, anchor: 'middle', weight: 'bold', spacing: 1 }) +
      txt(190, 48, `申请日期：${cnDate(e)}`, { size: 3.4, anchor: 'end' });
    for (const [label, value] of rows) {
      body += formRow(y, label, value.length > 24 ? value.slice(0, 24) : value);
      y += 12;
    }
    body += rect(20, y, 170, 48, 0.35) + line(58, y, 58, y + 48, 0.35);
    body += txt(39, y + 25, '经营范围', { size: 4, anchor: 'middle' });
    body += paragraph(62, y + 8, e.scope, 124, { size: 3.8, family: SANS }).svg;
    y += 60;
    body += paragraph(
      20,
      y,
      '本公司依照《中华人民共和国公司法》《中华人民共和国市场主体登记管理条例》设立，提交材料真实有效。通过联络员登录企业信用信息公示系统向登记机关报送、向社会公示的企业信息为本企业提供、发布的信息，信息真实、有效。',
      170,
      { size: 3.8, indent: true },
    ).svg;
    return body;
  }
  let body = txt(105, 30, '股东（发起人）出资情况', { size: 6, anchor: 'middle', weight: 'bold' });
  let y = 42;
  body += formRow(y, '股东名称', '出资额（万元）　　出资方式　　出资时间');
  y += 12;
  for (const s of e.shareholders) {
    body += formRow(
      y,
      s.name,
      `${s.shareWan}\u3000\u3000\u3000\u3000\u3000\u3000货币\u3000\u3000\u3000\u3000${e.date.year + 20}年12月31日`,
    );
    y += 12;
  }
  body += txt(20, 150, '法定代表人签字：', { size: 4.2 }) + signature(58, 149, e.capitalWan);
  body += txt(20, 170, '公司盖章：', { size: 4.2 });
  body += txt(150, 200, cnDate(e), { size: 4.2, anchor: 'middle' });
  body += seal(150, 180, e.name, '', -8);
  return body;
}

const ARTICLE_CHAPTERS: readonly (readonly [string, readonly string[]])[] = [
  [
    '第一章　总　则',
    [
      '为规范公司的组织和行为，保护公司、股东和债权人的合法权益，根据《中华人民共和国公司法》和有关法律、法规的规定，制定本章程。',
      '公司名称及住所以公司登记机关核准登记的为准。',
      '公司依法享有法人财产权，以其全部财产对公司的债务承担责任；股东以其认缴的出资额为限对公司承担责任。',
    ],
  ],
  [
    '第二章　经营范围',
    [
      '公司的经营范围以登记机关核准登记的为准。公司修改章程，变更经营范围，应当办理变更登记。',
      '公司应当按照登记的经营范围从事经营活动，依法须经批准的项目，经相关部门批准后方可开展经营活动。',
    ],
  ],
  [
    '第三章　股东的姓名、出资方式、出资额和出资时间',
    [
      '股东应当按期足额缴纳各自所认缴的出资额。股东以货币出资的，应当将货币出资足额存入公司在银行开设的账户。',
      '公司成立后，应当向股东签发出资证明书，并置备股东名册。',
    ],
  ],
  [
    '第四章　公司的机构及其产生办法、职权、议事规则',
    [
      '股东会由全体股东组成，是公司的权力机构，依照《中华人民共和国公司法》行使职权。',
      '股东会会议由股东按照认缴出资比例行使表决权。股东会的首次会议由出资最多的股东召集和主持。',
      '公司不设董事会，设执行董事一人，由股东会选举产生，任期三年，任期届满，连选可以连任。',
      '公司不设监事会，设监事一人，由股东会选举产生。监事任期每届三年。',
    ],
  ],
  ['第五章　公司的法定代表人', ['执行董事为公司的法定代表人，由股东会选举产生，任期三年。']],
  [
    '第六章　附　则',
    [
      '公司的营业期限为长期，自公司营业执照签发之日起计算。',
      '本章程经全体股东签字或盖章后生效。本章程一式二份，公司留存一份，并报公司登记机关备案一份。',
    ],
  ],
];

const CN_NUMBERS = '零一二三四五六七八九十';
function cnNumber(n: number): string {
  if (n <= 10) return CN_NUMBERS.charAt(n);
  if (n < 20) return `十${CN_NUMBERS.charAt(n - 10)}`;
  return `${CN_NUMBERS.charAt(Math.floor(n / 10))}十${n % 10 === 0 ? '' : CN_NUMBERS.charAt(n % 10)}`;
}

function articles(e: DemoEnterprise, page: number): string {
  let body = '';
  let y = 30;
  if (page === 0) {
    body += txt(105, y, `${e.name}章程`, { size: 7, anchor: 'middle', weight: 'bold' });
    y += 18;
  }
  // Two chapters per page, articles numbered across pages.
  let article = 1;
  ARTICLE_CHAPTERS.forEach(([title, items], c) => {
    const onPage = Math.floor(c / 2) === page;
    if (onPage) {
      body += txt(105, y, title, { size: 5, anchor: 'middle', weight: 'bold' });
      y += 11;
    }
    for (const item of items) {
      if (onPage) {
        const p = paragraph(22, y, `第${cnNumber(article)}条\u3000${item}`, 166, { size: 4, indent: true });
        body += p.svg;
        y = p.y + 3;
      }
      article++;
    }
    if (onPage) y += 6;
  });
  body += txt(105, 285, `— ${page + 1} —`, { size: 3.4, anchor: 'middle' });
  if (page === 2) {
    body += txt(22, y + 12, '全体股东签字（盖章）：', { size: 4.2 });
    e.shareholders.forEach((s, i) => {
      body += txt(30 + i * 70, y + 30, s.name, { size: 4.2 }) + signature(48 + i * 70, y + 29, i + 3);
    });
    body += txt(188, y + 50, cnDate(e), { size: 4.2, anchor: 'end' });
  }
  return body;
}

function resolution(e: DemoEnterprise, r: Random): string {
  const supervisor = personName(r);
  let body = txt(105, 34, e.name, { size: 6, anchor: 'middle', weight: 'bold' });
  body += txt(105, 46, '股东会决议', { size: 7, anchor: 'middle', weight: 'bold', spacing: 2 });
  let y = 64;
  const paras = [
    `会议时间：${cnDate(e)}。会议地点：${e.address}。会议由股东${e.legalRep}召集和主持，应到股东${e.shareholders.length}人，实到${e.shareholders.length}人，代表100%的表决权，符合《公司法》及公司章程的规定。经全体股东一致同意，形成决议如下：`,
    `一、同意设立${e.name}，注册资本${e.capitalWan}万元人民币。`,
    '二、通过公司章程。',
    `三、选举${e.legalRep}为公司执行董事，任期三年，为公司法定代表人；选举${supervisor}为公司监事。`,
    '四、同意委托经办人向公司登记机关申请办理设立登记手续。',
  ];
  for (const p of paras) {
    const out = paragraph(22, y, p, 166, { size: 4.2, indent: true });
    body += out.svg;
    y = out.y + 4;
  }
  body += txt(22, y + 18, '全体股东签字（盖章）：', { size: 4.2 });
  e.shareholders.forEach((s, i) => {
    body += txt(30 + i * 70, y + 36, s.name, { size: 4.2 }) + signature(48 + i * 70, y + 35, i + 7);
  });
  body += txt(170, y + 62, cnDate(e), { size: 4.2, anchor: 'middle' });
  body += seal(160, y + 48, e.name, '', 12);
  return body;
}

function identity(e: DemoEnterprise): string {
  let body = txt(105, 32, '法定代表人身份证明', { size: 7, anchor: 'middle', weight: 'bold' });
  body += paragraph(
    22,
    50,
    `${e.legalRep}，身份证号码${e.idNumber}，系${e.name}的法定代表人。特此证明。`,
    166,
    { size: 4.2, indent: true },
  ).svg;
  // The ID card copy: front and back frames with a grey photo area.
  const card = (y: number, front: boolean): string =>
    `<rect x="52" y="${y}" width="106" height="66" rx="4" fill="#eef0ef" stroke="#7a7f80" stroke-width="0.4"/>` +
    (front
      ? txt(58, y + 12, `姓名\u3000${e.legalRep}`, { size: 4, family: SANS }) +
        txt(58, y + 22, '性别　男　　民族　汉', { size: 4, family: SANS }) +
        txt(
          58,
          y + 32,
          `出生\u3000${e.idNumber.slice(6, 10)}年${Number(e.idNumber.slice(10, 12))}月${Number(e.idNumber.slice(12, 14))}日`,
          {
            size: 4,
            family: SANS,
          },
        ) +
        txt(58, y + 42, `住址\u3000福建省${e.city}市`, { size: 4, family: SANS }) +
        txt(58, y + 58, `公民身份号码\u3000${e.idNumber}`, { size: 3.8, family: SANS }) +
        `<rect x="126" y="${y + 8}" width="26" height="33" fill="#a9adb0"/>`
      : txt(105, y + 16, '中华人民共和国', { size: 6, anchor: 'middle', weight: 'bold' }) +
        txt(105, y + 28, '居民身份证', { size: 7, anchor: 'middle', weight: 'bold', spacing: 2 }) +
        txt(62, y + 48, `签发机关\u3000${e.city}市公安局`, { size: 3.8, family: SANS }) +
        txt(62, y + 57, `有效期限\u3000${e.date.year - 3}.05.12-${e.date.year + 17}.05.12`, {
          size: 3.8,
          family: SANS,
        }));
  body += card(90, true) + card(170, false);
  body += txt(105, 255, '（身份证复印件，与原件一致）', { size: 3.8, anchor: 'middle' });
  body += signature(130, 268, 2) + txt(104, 270, '本人签字：', { size: 4 });
  return body;
}

function premises(e: DemoEnterprise, r: Random): string {
  const owner = personName(r);
  let body = txt(105, 34, '住所（经营场所）使用证明', { size: 7, anchor: 'middle', weight: 'bold' });
  body += formRow(56, '市场主体名称', e.name);
  body += formRow(68, '住所（经营场所）', e.address.slice(0, 24));
  body += formRow(80, '产权人', owner);
  body += formRow(92, '房屋用途', '商业办公');
  body += formRow(
    104,
    '使用期限',
    `${e.date.year}年${e.date.month}月至${e.date.year + 5}年${e.date.month}月`,
  );
  body += paragraph(
    22,
    132,
    '兹证明上述房屋产权清晰，同意提供给该市场主体作为住所（经营场所）使用。产权人对所提供材料的真实性负责。',
    166,
    { size: 4.2, indent: true },
  ).svg;
  body += txt(120, 180, '产权人签字（盖章）：', { size: 4.2 }) + signature(160, 192, 5);
  body += txt(165, 206, cnDate(e), { size: 4.2, anchor: 'middle' });
  return body;
}

function licence(e: DemoEnterprise, qrSvg: string): string {
  let body = `<rect x="8" y="8" width="194" height="281" fill="none" stroke="${RED}" stroke-width="2.2"/><rect x="11" y="11" width="188" height="275" fill="none" stroke="${RED}" stroke-width="0.6"/>`;
  body += `<circle cx="105" cy="38" r="11" fill="none" stroke="${RED}" stroke-width="1.2"/><polygon points="105,29 107.4,35.5 114,35.5 108.7,39.6 110.8,46 105,42 99.2,46 101.3,39.6 96,35.5 102.6,35.5" fill="${RED}"/>`;
  body += txt(105, 66, '营 业 执 照', { size: 13, anchor: 'middle', weight: 'bold', fill: RED, spacing: 3 });
  body += txt(105, 78, '（副　本）', { size: 4.6, anchor: 'middle' });
  body += txt(24, 92, `统一社会信用代码\u3000${e.uscc}`, { size: 4.2, family: SANS });
  body += `<g transform="translate(162 80)">${qrSvg}</g>`;
  const rows: [string, string][] = [
    ['名　　　　称', e.name],
    ['类　　　　型', '有限责任公司（自然人投资或控股）'],
    ['法 定 代 表 人', e.legalRep],
    ['注 册 资 本', `${e.capitalWan}万元整`],
    ['成 立 日 期', cnDate(e)],
    ['营 业 期 限', `${cnDate(e)}至长期`],
    ['住　　　　所', e.address],
  ];
  let y = 124;
  for (const [k, v] of rows) {
    body += txt(24, y, k, { size: 4.4 }) + txt(64, y, v, { size: 4.4, family: SANS });
    y += 12;
  }
  body += txt(24, y, '经 营 范 围', { size: 4.4 });
  body += paragraph(64, y, e.scope, 122, { size: 4.2, family: SANS }).svg;
  body += txt(160, 262, '登记机关', { size: 5, anchor: 'middle' });
  body += txt(160, 276, cnDate(e), { size: 4.4, anchor: 'middle' });
  body += seal(160, 258, `${e.city}市市场监督管理局`, '', 0);
  body += txt(105, 284, '国家企业信用信息公示系统网址：http://www.gsxt.gov.cn', {
    size: 2.8,
    anchor: 'middle',
    fill: INK,
  });
  return body;
}

/**
 * A Patch-T separator sheet: the Code 39 barcode `*PATCHT*` (the NAPS2/Paperless convention) printed
 * large across the middle, with a caption.
 */
export function patchTSheet(): string {
  const bars = code39('PATCHT');
  const narrow = 0.6;
  const wide = 1.5;
  const total = bars.reduce((s, b) => s + (b.wide ? wide : narrow), 0);
  let x = 105 - total / 2;
  let svg = '';
  for (const b of bars) {
    const w = b.wide ? wide : narrow;
    if (b.bar) svg += `<rect x="${x.toFixed(2)}" y="110" width="${w}" height="70" fill="#000"/>`;
    x += w;
  }
  return (
    svg +
    txt(105, 96, '分隔页 PATCH T', { size: 9, anchor: 'middle', weight: 'bold', family: SANS }) +
    txt(105, 196, '请勿移除：扫描时自动分卷 / separator sheet', { size: 4, anchor: 'middle', family: SANS })
  );
}

// Code 39 patterns (9 elements, bar/space alternating, 1 = wide) for the characters a Patch-T sheet needs.
export const CODE39: Readonly<Record<string, string>> = {
  '*': '010010100',
  P: '000110010',
  A: '100001001',
  T: '000011010',
  C: '101000100',
  H: '100100010',
};

export function code39(payload: string): { bar: boolean; wide: boolean }[] {
  const out: { bar: boolean; wide: boolean }[] = [];
  for (const ch of `*${payload}*`) {
    const pattern = CODE39[ch];
    if (pattern === undefined) throw new Error(`Code 39 character not supported here: ${ch}`);
    Array.from(pattern).forEach((p, i) => out.push({ bar: i % 2 === 0, wide: p === '1' }));
    out.push({ bar: false, wide: false }); // inter-character gap
  }
  return out;
}

export interface DocumentPlan {
  readonly kind: DemoSheetKind;
  readonly pages: number;
}

/** The documents of a 设立 file, in filing order. */
export const ESTABLISHMENT_FILE: readonly DocumentPlan[] = [
  { kind: 'application', pages: 2 },
  { kind: 'articles', pages: 3 },
  { kind: 'resolution', pages: 1 },
  { kind: 'identity', pages: 1 },
  { kind: 'premises', pages: 1 },
  { kind: 'licence', pages: 1 },
];

export function sheetBody(
  kind: DemoSheetKind,
  page: number,
  e: DemoEnterprise,
  r: Random,
  qrSvg: string,
): DemoSheet {
  switch (kind) {
    case 'application':
      return { kind, page, body: application(e, page), hasRed: page === 1 };
    case 'articles':
      return { kind, page, body: articles(e, page), hasRed: false };
    case 'resolution':
      return { kind, page, body: resolution(e, r), hasRed: true };
    case 'identity':
      return { kind, page, body: identity(e), hasRed: false };
    case 'premises':
      return { kind, page, body: premises(e, r), hasRed: false };
    case 'licence':
      return { kind, page, body: licence(e, qrSvg), hasRed: true };
    case 'patch-t':
      return { kind, page, body: patchTSheet(), hasRed: false };
  }
}

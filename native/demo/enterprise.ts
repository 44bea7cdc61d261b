import { usccCheckChar, validateUscc } from '../../core/codes';
import type { Random } from './random';

/** A made-up enterprise for the demo pages: a plausible Fujian company with a valid USCC. */
export interface DemoEnterprise {
  readonly name: string;
  readonly uscc: string;
  readonly city: string;
  readonly address: string;
  readonly legalRep: string;
  readonly idNumber: string;
  readonly capitalWan: number;
  readonly scope: string;
  readonly shareholders: readonly { readonly name: string; readonly shareWan: number }[];
  readonly date: { readonly year: number; readonly month: number; readonly day: number };
}

const CITIES: readonly { name: string; division: string; streets: readonly string[] }[] = [
  { name: '福州', division: '350100', streets: ['五四路', '八一七北路', '华林路', '工业路'] },
  { name: '厦门', division: '350200', streets: ['湖滨南路', '鹭江道', '嘉禾路', '软件园二期观日路'] },
  { name: '泉州', division: '350500', streets: ['丰泽街', '刺桐路', '温陵北路'] },
  { name: '漳州', division: '350600', streets: ['胜利西路', '新华北路'] },
  { name: '莆田', division: '350300', streets: ['荔城中大道', '学园南街'] },
  { name: '三明', division: '350400', streets: ['列东街', '新市中路'] },
  { name: '南平', division: '350700', streets: ['滨江中路', '八一路'] },
  { name: '龙岩', division: '350800', streets: ['龙岩大道', '九一路'] },
  { name: '宁德', division: '350900', streets: ['蕉城南路', '天湖东路'] },
];
const TRADE_NAMES = ['闽江', '鹭岛', '海峡', '武夷', '东南', '榕城', '刺桐', '清源', '九龙', '太姥', '湄洲'];
const TRADE_NAMES_2 = ['恒信', '鑫源', '华兴', '宏达', '盛世', '永安', '嘉禾', '瑞丰', '金岳', '新兴'];
const INDUSTRIES: readonly { name: string; scope: string }[] = [
  { name: '科技', scope: '软件开发；信息技术咨询服务；计算机系统集成；数据处理和存储服务' },
  { name: '贸易', scope: '日用百货、五金交电、建筑材料的批发与零售；货物及技术进出口' },
  { name: '食品', scope: '预包装食品销售；农副产品收购；茶叶种植与加工' },
  { name: '物流', scope: '道路普通货物运输；仓储服务（不含危险品）；货运代理' },
  { name: '建材', scope: '建筑材料、装饰材料的销售；室内外装饰工程施工' },
];
const SURNAMES = ['陈', '林', '黄', '张', '李', '王', '吴', '郑', '刘', '蔡', '许', '周'];
const GIVEN = [
  '建华',
  '志强',
  '秀英',
  '丽娟',
  '明辉',
  '海燕',
  '国栋',
  '晓峰',
  '美玲',
  '文彬',
  '雅婷',
  '振宇',
];

export function personName(r: Random): string {
  return r.pick(SURNAMES) + r.pick(GIVEN);
}

/** A USCC that passes both the GB 32100 check and the GB 11714 organization-code check. */
export function demoUscc(r: Random, division: string): string {
  for (;;) {
    let org = '';
    for (let i = 0; i < 9; i++) org += String(r.int(0, 9));
    const first17 = `91${division}${org}`;
    const code = first17 + usccCheckChar(first17);
    const result = validateUscc(code);
    if (result.valid && result.warnings.length === 0) return code;
  }
}

function idNumber(r: Random, division: string, year: number): string {
  // 18-digit resident ID (GB 11643): the check digit is computed like the real one so it looks right.
  const body = `${division.slice(0, 4)}${String(r.int(1, 5)).padStart(2, '0')}${year - r.int(25, 55)}${String(r.int(1, 12)).padStart(2, '0')}${String(r.int(1, 28)).padStart(2, '0')}${String(r.int(100, 999))}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(body.charAt(i)), 0);
  return body + '10X98765432'.charAt(sum % 11);
}

export function demoEnterprise(r: Random): DemoEnterprise {
  const city = r.pick(CITIES);
  const industry = r.pick(INDUSTRIES);
  const year = r.int(2016, 2025);
  const legalRep = personName(r);
  const capitalWan = r.pick([50, 100, 200, 300, 500, 1000]);
  const partner = personName(r);
  const share = Math.round(capitalWan * r.pick([0.51, 0.6, 0.7, 0.8]));
  return {
    name: `${city.name}${r.pick(TRADE_NAMES)}${r.pick(TRADE_NAMES_2)}${industry.name}有限公司`,
    uscc: demoUscc(r, city.division),
    city: city.name,
    address: `福建省${city.name}市${r.pick(city.streets)}${r.int(1, 388)}号${r.int(2, 28)}层${r.int(1, 12).toString().padStart(2, '0')}室`,
    legalRep,
    idNumber: idNumber(r, city.division, year),
    capitalWan,
    scope: industry.scope,
    shareholders: [
      { name: legalRep, shareWan: share },
      { name: partner, shareWan: capitalWan - share },
    ],
    date: { year, month: r.int(1, 12), day: r.int(1, 28) },
  };
}

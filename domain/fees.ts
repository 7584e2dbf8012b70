/**
 * Information-processing fees (信息处理费) under 《政府信息公开信息处理费管理办法》
 * (国办函〔2020〕109号): by count of applications per applicant per natural month (第四条), or
 * by volume in pages (第五条), both progressive; an agency picks one per application and
 * never charges both (第三条). Amounts in yuan. Pure module.
 */

export type FeeBasis = 'by-count' | 'by-pages';

export interface FeeLine {
  /** e.g. '第11—30件' */
  band: string;
  units: number;
  unitPrice: number;
  amount: number;
}

export interface FeeComputation {
  basis: FeeBasis;
  lines: FeeLine[];
  total: number;
  /** The article of the rules the computation follows. */
  citation: string;
}

/**
 * By count: the applicant's n-th application in the natural month is charged by its band:
 * 1–10 free; 11–30 ¥100; from 31 on, every further band of 10 raises the price by ¥100.
 * `ordinalInMonth` is the first counted application of this request, `count` how many it is
 * split into under 一事一申请.
 */
export function feeByCount(ordinalInMonth: number, count = 1): FeeComputation {
  if (!Number.isInteger(ordinalInMonth) || ordinalInMonth < 1) throw new RangeError('ordinalInMonth must be 1 or more');
  if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be 1 or more');
  const byBand = new Map<string, FeeLine>();
  for (let n = ordinalInMonth; n < ordinalInMonth + count; n += 1) {
    let band: string;
    let price: number;
    if (n <= 10) {
      band = '第1—10件';
      price = 0;
    } else if (n <= 30) {
      band = '第11—30件';
      price = 100;
    } else {
      const tier = Math.floor((n - 31) / 10); // 31–40 → 0, 41–50 → 1, …
      band = `第${31 + tier * 10}—${40 + tier * 10}件`;
      price = 200 + tier * 100;
    }
    const line = byBand.get(band) ?? { band, units: 0, unitPrice: price, amount: 0 };
    line.units += 1;
    line.amount += price;
    byBand.set(band, line);
  }
  const lines = [...byBand.values()];
  return { basis: 'by-count', lines, total: lines.reduce((sum, l) => sum + l.amount, 0), citation: '国办函〔2020〕109号 第四条' };
}

/**
 * By volume (109号 第五条): pages 1–30 free; 31–100 ¥10 a page; 101–200 ¥20 a page; 201 and
 * beyond ¥40 a page, each band charged only for the pages that fall in it.
 */
export function feeByPages(pages: number): FeeComputation {
  if (!Number.isInteger(pages) || pages < 0) throw new RangeError('pages must be a whole number');
  const bands: Array<[string, number, number, number]> = [
    ['1—30页', 1, 30, 0],
    ['31—100页', 31, 100, 10],
    ['101—200页', 101, 200, 20],
    ['201页以上', 201, Number.POSITIVE_INFINITY, 40],
  ];
  const lines: FeeLine[] = [];
  for (const [band, from, to, unitPrice] of bands) {
    const units = Math.max(0, Math.min(pages, to) - from + 1);
    if (units > 0) lines.push({ band, units, unitPrice, amount: units * unitPrice });
  }
  return { basis: 'by-pages', lines, total: lines.reduce((sum, l) => sum + l.amount, 0), citation: '国办函〔2020〕109号 第五条' };
}

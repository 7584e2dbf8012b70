/** Fee bands of 国办函〔2020〕109号, worked by hand. */
import { feeByCount, feeByPages } from '../domain/fees';

it('charges nothing for the first ten applications of a month', () => {
  expect(feeByCount(1).total).toBe(0);
  expect(feeByCount(10).total).toBe(0);
});

it('charges ¥100 for the 11th–30th and raises by ¥100 per band of ten after that', () => {
  expect(feeByCount(11).total).toBe(100);
  expect(feeByCount(30).total).toBe(100);
  expect(feeByCount(31).total).toBe(200);
  expect(feeByCount(40).total).toBe(200);
  expect(feeByCount(41).total).toBe(300);
  // A request split into 5 applications, the 9th–13th of the month: 2 free + 3 × ¥100.
  const split = feeByCount(9, 5);
  expect(split.total).toBe(300);
  expect(split.lines.map((l) => [l.band, l.units])).toEqual([['第1—10件', 2], ['第11—30件', 3]]);
});

it('charges pages progressively: 30 free, ¥10 to 100, ¥20 beyond', () => {
  expect(feeByPages(30).total).toBe(0);
  expect(feeByPages(31).total).toBe(10);
  expect(feeByPages(100).total).toBe(700);
  expect(feeByPages(150).total).toBe(700 + 50 * 20);
  expect(feeByPages(150).lines).toHaveLength(3);
});

it('refuses nonsense', () => {
  expect(() => feeByCount(0)).toThrow(RangeError);
  expect(() => feeByPages(-1)).toThrow(RangeError);
});

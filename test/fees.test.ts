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
  expect(split.lines.map((l) => [l.band, l.units])).toEqual([
    ['第1—10件', 2],
    ['第11—30件', 3],
  ]);
});

it('charges pages progressively: 30 free, ¥10 to 100, ¥20 to 200 (第五条)', () => {
  expect(feeByPages(0).total).toBe(0);
  expect(feeByPages(30).total).toBe(0);
  expect(feeByPages(30).lines).toEqual([{ band: '1—30页', units: 30, unitPrice: 0, amount: 0 }]);
  expect(feeByPages(31).total).toBe(10);
  expect(feeByPages(100).total).toBe(700);
  expect(feeByPages(101).total).toBe(720);
  expect(feeByPages(150).total).toBe(1700); // 70 × 10 + 50 × 20
  expect(feeByPages(150).lines).toHaveLength(3);
  expect(feeByPages(200).total).toBe(2700); // 70 × 10 + 100 × 20
});

it('charges ¥40 a page from the 201st page on (第五条), not ¥20', () => {
  expect(feeByPages(201).total).toBe(2740); // 70 × 10 + 100 × 20 + 1 × 40
  expect(feeByPages(250).total).toBe(4700); // 700 + 2000 + 50 × 40
  expect(feeByPages(1000).total).toBe(34700); // 700 + 2000 + 800 × 40
  expect(feeByPages(250).lines).toEqual([
    { band: '1—30页', units: 30, unitPrice: 0, amount: 0 },
    { band: '31—100页', units: 70, unitPrice: 10, amount: 700 },
    { band: '101—200页', units: 100, unitPrice: 20, amount: 2000 },
    { band: '201页以上', units: 50, unitPrice: 40, amount: 2000 },
  ]);
  expect(feeByPages(250).citation).toBe('国办函〔2020〕109号 第五条');
});

it('refuses nonsense', () => {
  expect(() => feeByCount(0)).toThrow(RangeError);
  expect(() => feeByPages(-1)).toThrow(RangeError);
  expect(() => feeByPages(1.5)).toThrow(RangeError);
});

/** The outcome taxonomy against table 3 of the annual report. */
import { DEFAULT_SECTION_36_MAPPING, isOutcome, OUTCOME_CODES, OUTCOMES, outcomeForSection36 } from '../domain/outcomes';

it('maps outcomes one-to-one onto the 21 outcome rows of table 3', () => {
  const rows = OUTCOME_CODES.map((code) => OUTCOMES[code].reportRow);
  expect(new Set(rows).size).toBe(rows.length);
  expect(rows).toHaveLength(2 + 8 + 3 + 5 + 3);
  const perGroup = (group: string) => OUTCOME_CODES.filter((code) => OUTCOMES[code].group === group).length;
  expect([perGroup('not-disclosed'), perGroup('cannot-provide'), perGroup('not-handled'), perGroup('other')]).toEqual([8, 3, 5, 3]);
});

it('closes abandoned cases without a reply letter', () => {
  expect(OUTCOMES['other.correction-overdue'].replyLetter).toBe(false);
  expect(OUTCOMES['other.fee-unpaid'].replyLetter).toBe(false);
  expect(OUTCOMES['not-disclosed.state-secret'].replyLetter).toBe(true);
});

it('counts the §36 replies under an explicit, overridable row', () => {
  expect(outcomeForSection36('already-public')).toBe('disclosed');
  expect(outcomeForSection36('not-this-agency')).toBe('cannot-provide.not-held');
  expect(outcomeForSection36('not-this-agency', { 'not-this-agency': 'other.other' })).toBe('other.other');
  for (const outcome of Object.values(DEFAULT_SECTION_36_MAPPING)) expect(isOutcome(outcome)).toBe(true);
  expect(isOutcome('toString')).toBe(false);
});

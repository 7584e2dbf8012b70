/** Every workflow the worker registers. Deterministic code only: see eslint.config.mjs. */
export { workingDayDeadline } from './deadline';
export { application } from './application';
export { calendarBroadcast } from './calendar-broadcast';
export { archiveWorkflowHistory } from './archive';
export { documentRelease } from './document';
export { nonDisclosureRegister, documentSelfCheck } from './document-registers';

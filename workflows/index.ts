/** Every workflow the worker registers. Deterministic code only: see eslint.config.mjs. */
export { workingDayDeadline } from './deadline';
export { application } from './application';
export { calendarBroadcast } from './calendar-broadcast';
export { archiveSweep, archiveWorkflowHistory } from './archive';
export { dispute } from './dispute';
export { escalationSweep } from './supervision';
export { incident } from './incident';
export { message } from './message';
export { documentRelease } from './document';
export { nonDisclosureRegister, documentSelfCheck } from './document-registers';
export { noticeDispatch, applicantMessageSweep } from './notice-dispatch';

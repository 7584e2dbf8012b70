/**
 * How urgent a running clock is, the same on the screen, in the filters and in the counts:
 * overdue once its due instant has passed; due soon within 2 working days (working-day
 * clocks) or 60 minutes (minute clocks, 舆情); otherwise running. Paused clocks stand apart.
 */
export const DUE_SOON_WORKING_DAYS = 2;
export const DUE_SOON_MINUTES = 60;

export const URGENCIES = ['overdue', 'due-soon', 'running', 'paused'] as const;
export type Urgency = (typeof URGENCIES)[number];

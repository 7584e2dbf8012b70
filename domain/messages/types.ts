/**
 * Citizen messages (政民互动, seed 004 毕节政民互动制度): a letter to the portal mailbox, a
 * message-board post or a 12345 hotline transfer, answered within the limit of its type.
 * Plain types shared by the workflow, activities and API. Pure module.
 */
import type { IsoDate } from '../calendar/dates';
import type { ClockEvent, DerivedClock } from '../clocks/working-day-clock';
import type { AccountabilityEntry } from '../incidents/types';

export const MESSAGE_TYPES = {
  'policy-question': '政策咨询',
  complaint: '投诉',
  help: '求助',
  investigation: '需调查处理',
  'hard-case': '重难件',
} as const;
export type MessageType = keyof typeof MESSAGE_TYPES;

export const MESSAGE_CHANNELS = {
  mailbox: '门户网站信箱',
  'message-board': '网民留言',
  hotline: '政府服务热线12345转办',
} as const;
export type MessageChannel = keyof typeof MESSAGE_CHANNELS;

export const MESSAGE_STAGES = {
  registered: '已登记',
  assigned: '承办中',
  replied: '已回复',
  closed: '已办结',
} as const;
export type MessageStage = keyof typeof MESSAGE_STAGES;

/** The writer's identity (第七条: kept confidential; never shown to the department complained about). */
export interface MessageWriter {
  name: string;
  phone?: string;
  email?: string;
  address?: string;
}

export interface MessageIntake {
  type: MessageType;
  channel: MessageChannel;
  subject: string;
  content: string;
  receivedOn: IsoDate;
  /** The writer asked for their identity to be kept confidential. */
  confidential: boolean;
  /** For complaints and reports: the department complained about. */
  complainedDepartmentCode?: string;
}

export interface MessageClock {
  id: 'reply';
  label: string;
  rule: string;
  events: ClockEvent[];
  derived: DerivedClock | null;
  dueAt: string | null;
  reminders: Array<{ workingDaysBefore: number; date: IsoDate; at: string }>;
  remindersSent: string[];
  overdueHandledFor: IsoDate | null;
  closed: boolean;
}

export interface MessageState {
  id: string;
  ruleProfile: { id: string; version: string };
  stage: MessageStage;
  closed: boolean;
  intake: MessageIntake;
  /** Present in the workflow only; the database keeps it in separate columns and views redact it. */
  writer?: MessageWriter;
  departmentCode: string | null;
  assignee: string | null;
  transfers: Array<{ from: string; to: string; reason: string; by: string; on: IsoDate }>;
  extension: null | { fromWorkingDays: number; toWorkingDays: number; reason: string; by: string; on: IsoDate };
  /** `due` is the limit in force when the reply went out. */
  reply: null | { text: string; by: string; on: IsoDate; at: string; due: IsoDate | null };
  clock: MessageClock;
  accountability: AccountabilityEntry[];
  seq: number;
}

/**
 * Jurisdiction rule profiles: every statutory or internal period an agency works under,
 * as data. Each period carries the citation of the article it came from, so a clerk (or a
 * reconsideration body) can see why a clock is 15 and not 20 working days.
 *
 * Pure module (zod only): safe to import from workflows.
 */
import { z } from 'zod';
import { type Outcome, OUTCOME_CODES } from '../outcomes';

/** Where a rule comes from: national law or one of the agency rulebooks in shared/seeds. */
export const citationSchema = z.object({
  /** e.g. '中华人民共和国政府信息公开条例（2019）', '国办函〔2020〕109号', or the seed rulebook's title. */
  source: z.string().min(1),
  /** Seed file id ('000'…'004') when the rule comes from an agency rulebook. */
  seed: z.enum(['000', '001', '002', '003', '004']).optional(),
  /** Article / section as the source numbers it, e.g. '第三十三条' or '五（四）'. */
  article: z.string().min(1),
  /** Short verbatim quote of the rule, in Chinese. */
  quote: z.string().min(1).optional(),
});
export type Citation = z.infer<typeof citationSchema>;

const positiveInt = z.number().int().positive();

/** A period counted in working days under the convention of domain.md §2. */
export const workingDayPeriodSchema = z.object({
  workingDays: positiveInt,
  citation: citationSchema,
});
export type WorkingDayPeriod = z.infer<typeof workingDayPeriodSchema>;

/**
 * A period counted in calendar days (litigation): the start day is not counted and a last
 * day on a rest day or holiday moves to the next working day (domain/clocks).
 */
export const calendarDayPeriodSchema = z.object({
  calendarDays: positiveInt,
  citation: citationSchema,
});
export type CalendarDayPeriod = z.infer<typeof calendarDayPeriodSchema>;

/** A period counted in wall-clock minutes (public-opinion clocks run day and night). */
export const minutePeriodSchema = z.object({
  minutes: positiveInt,
  citation: citationSchema,
});
export type MinutePeriod = z.infer<typeof minutePeriodSchema>;

/** Internal step clocks some agencies add on top of the statutory reply period. */
export const applicationStepSchema = z.enum([
  'register', // 登记
  'formal-review', // 形式审查
  'transfer-to-department', // 转交承办科室
  'department-proposal', // 承办科室提出答复意见
  'sign-off', // 签发
]);
export type ApplicationStep = z.infer<typeof applicationStepSchema>;

/**
 * The recorded event a step clock counts from. The rulebooks differ: 黄岩 counts the
 * department's proposal from the receipt of the application (自收到申请件之日起), 毕节 the
 * transfer from receipt (在收到申请的3个工作日内转交) and the department's answer from its
 * own receipt of the file (assignment).
 */
export const stepStartEventSchema = z.enum(['receipt', 'acceptance', 'assignment', 'decision']);
export type StepStartEvent = z.infer<typeof stepStartEventSchema>;

export const applicationRulesSchema = z.object({
  /** Reply within N WD of receipt (§33 in the 2019 text, 15 WD in the older regime). */
  reply: workingDayPeriodSchema,
  /** Extension, at most once, approved by the OGI office head. */
  extension: workingDayPeriodSchema.extend({
    /** Cap on reply + extension, where a profile states one (黄岩: 40 WD in total). */
    maxTotalWorkingDays: positiveInt.optional(),
    /** Who approves it, as the 延期答复告知书 names them (§33: 政府信息公开工作机构负责人). */
    approvedBy: z.string().min(1).default('政府信息公开工作机构负责人'),
  }),
  /** Correction notice (补正告知) must go out within N WD of receipt. */
  correctionNotice: workingDayPeriodSchema,
  /** Third party answers within N WD of receiving the letter; the time is excluded from the reply period. */
  thirdPartyConsultation: workingDayPeriodSchema.extend({
    /**
     * What silence means when the period expires. 2019 条例§32: the agency decides; 桦甸
     * (seed 001 依申请 第六条): 视作同意公开.
     */
    silence: z.enum(['agency-decides', 'deemed-consent']).default('agency-decides'),
    /**
     * What an objection means. 2019 条例§32: the agency may still disclose for the public
     * interest, telling the third party in writing; 桦甸 第六条: 第三方不同意公开的，不得公开.
     */
    objection: z.enum(['agency-decides', 'bars-disclosure']).default('agency-decides'),
  }),
  /** Other agency answers within N WD, silence = consent; excluded from the reply period. */
  otherAgencyConsultation: workingDayPeriodSchema,
  /** Secrecy authority answers within N WD, extendable once by at most M WD. */
  secrecyEscalation: workingDayPeriodSchema.extend({ extensionWorkingDays: positiveInt }),
  /** Applicant pays within N WD from the day after the fee notice; the wait is excluded. */
  feePayment: workingDayPeriodSchema,
  /** Older regime (seed 002): provide the information within N WD after deciding to disclose. */
  provideAfterDecision: workingDayPeriodSchema.optional(),
  /** Internal step clocks (黄岩, 毕节), each counted from the event its rulebook names. */
  internalSteps: z.array(workingDayPeriodSchema.extend({ step: applicationStepSchema, startsAt: stepStartEventSchema })).default([]),
  /**
   * 条例§36 replies counted under a row of table 3 other than the default
   * (domain/outcomes.ts DEFAULT_SECTION_36_MAPPING), where an agency counts differently.
   */
  section36Counting: z
    .object({
      'already-public': z.enum(OUTCOME_CODES as [Outcome, ...Outcome[]]),
      'not-this-agency': z.enum(OUTCOME_CODES as [Outcome, ...Outcome[]]),
    })
    .partial()
    .default({}),
  /** Reminders before each due date, in working days before it. */
  remindersWorkingDaysBefore: z.array(positiveInt).default([5, 2]),
  /** Window (calendar days) in which a near-identical request by the same applicant is flagged as 重复申请. */
  duplicateWindowDays: positiveInt.default(180),
});
export type ApplicationRules = z.infer<typeof applicationRulesSchema>;

export const documentReleaseChannelSchema = z.enum(['portal', 'intranet', 'gazette', 'reading-room']);

export const documentReleaseRulesSchema = z.object({
  /** Publication of a 主动公开 document after it is formed / signed, per channel. */
  publication: z.array(workingDayPeriodSchema.extend({ channel: documentReleaseChannelSchema })).min(1),
  /** Changes to published information (毕节: 10 WD). */
  changes: workingDayPeriodSchema.optional(),
  /** Policy interpretation (政策解读) of a normative document, after its publication. */
  interpretation: workingDayPeriodSchema.optional(),
  /** Deposit in the public reading room / archive. */
  readingRoomDeposit: workingDayPeriodSchema.optional(),
  /** Secrecy authority answer on an undetermined document. */
  secrecyEscalation: workingDayPeriodSchema.extend({ extensionWorkingDays: positiveInt }),
  /** Draft policies open for public comment for at least N WD. */
  publicCommentMinimum: workingDayPeriodSchema.optional(),
  /** Pre-disclosure of major decisions for at most N WD. */
  preDisclosureMaximum: workingDayPeriodSchema.optional(),
  /** Half-yearly 不予公开 register, due on these MM-DD dates. */
  nonDisclosureRegisterDue: z.array(z.string().regex(/^\d{2}-\d{2}$/)).optional(),
  nonDisclosureRegisterCitation: citationSchema.optional(),
  /** Month (1–12) of the yearly self-check of 不予公开 / 依申请公开 documents. */
  selfCheckMonth: z.number().int().min(1).max(12).optional(),
  selfCheckCitation: citationSchema.optional(),
});
export type DocumentReleaseRules = z.infer<typeof documentReleaseRulesSchema>;

export const incidentGradeSchema = z.enum(['特别重大', '重大', '较大', '一般']);
export type IncidentGrade = z.infer<typeof incidentGradeSchema>;

export const publicOpinionRulesSchema = z.object({
  /** Upward report by grade. */
  report: z.record(incidentGradeSchema, minutePeriodSchema),
  /** First response / press conference by grade. */
  response: z.record(incidentGradeSchema, minutePeriodSchema),
  /** 黄岩: important (重要) incidents answered and reported back the same day. */
  importantSameDay: z.object({ citation: citationSchema }).optional(),
  /** Interval of rolling-update reminders while an incident is open. */
  updateIntervalMinutes: minutePeriodSchema.optional(),
});
export type PublicOpinionRules = z.infer<typeof publicOpinionRulesSchema>;

export const citizenMessageTypeSchema = z.enum(['policy-question', 'complaint', 'help', 'investigation', 'hard-case']);

export const citizenMessageRulesSchema = z.object({
  limits: z.array(
    workingDayPeriodSchema.extend({
      type: citizenMessageTypeSchema,
      /** Upper bound where the rule is a range (complaints 5–7 WD) or extendable (hard cases 15 → 30). */
      maxWorkingDays: positiveInt.optional(),
    }),
  ),
});

export const disputeRulesSchema = z.object({
  /** Defence drafted within N WD (seed 003); for a reconsideration the only limit. */
  defenceDraft: workingDayPeriodSchema,
  departmentEvidence: workingDayPeriodSchema,
  /**
   * Lawsuits: defence and evidence to the court within N calendar days of receiving the
   * complaint copy (行政诉讼法 第六十七条); `defenceDraft` still applies when it ends earlier.
   */
  litigationDefence: calendarDayPeriodSchema,
});

export const ruleProfileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    /** Bumped whenever a period changes; a case keeps the version it started under. */
    version: z.string().regex(/^\d{4}\.\d+$/),
    name: z.string().min(1),
    /** '2019' = 条例 as revised in 2019; 'pre-2019' = the 2008 text some agencies still follow. */
    regime: z.enum(['2019', 'pre-2019']),
    jurisdiction: z.object({
      region: z.string().min(1),
      agency: z.string().min(1),
      /** Administrative division code, used in the 索引号 of catalogue entries. */
      regionCode: z.string().regex(/^\d{6}$/),
    }),
    /** The rulebook this profile transcribes. */
    source: citationSchema.omit({ article: true, quote: true }).extend({
      title: z.string().min(1),
    }),
    application: applicationRulesSchema,
    documentRelease: documentReleaseRulesSchema,
    publicOpinion: publicOpinionRulesSchema,
    citizenMessages: citizenMessageRulesSchema.optional(),
    disputes: disputeRulesSchema,
    notes: z.array(z.string()).default([]),
  })
  .superRefine((profile, ctx) => {
    const cap = profile.application.extension.maxTotalWorkingDays;
    const reply = profile.application.reply.workingDays;
    if (cap !== undefined && cap < reply) {
      ctx.addIssue({
        code: 'custom',
        path: ['application', 'extension', 'maxTotalWorkingDays'],
        message: `cap ${cap} WD is shorter than the reply period ${reply} WD`,
      });
    }
  });

export type RuleProfileInput = z.input<typeof ruleProfileSchema>;
export type RuleProfile = z.output<typeof ruleProfileSchema>;

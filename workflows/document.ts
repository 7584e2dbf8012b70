/**
 * One outgoing document (公文) from drafting to release: `document-<docId>` (domain.md §4).
 *
 * drafted ⇄ returned (office returns for a missing attribute or reasons, each round recorded)
 *   → secrecy-review (unit head, then leader; "cannot determine" goes to the secrecy
 *     authority on its 10 + 7 WD clock) → awaiting-co-issuers (joint documents) →
 *   awaiting-sign-off (the leader fixes the final attribute) →
 *   主动公开: releasing (publication clocks per channel from the profile, policy
 *     interpretation within N WD of publication for normative documents, reading-room
 *     deposit) → released;
 *   依申请 / 不予: withheld, until the November self-check converts it (release clocks start
 *     from the conversion).
 * Before sign-off, where the profile has the rule: a draft policy's public comment (seed 003,
 * at least N WD, sign-off waits for it) and a major decision's pre-disclosure (seed 004, at
 * most N WD, on its own clock). After publication: a change to the published information
 * opens a clock of N WD (seed 004: 10) closed once every carrier shows it; a released
 * document whose run has completed is reopened by a new run of the same id (`reopened`).
 *
 * Same shape as the application workflow: steps are validated updates applied one at a time,
 * clocks are event lists whose due dates an activity derives with the current calendar, every
 * step is persisted (projection + append-only event + written review record) in one
 * transaction, and one loop arms the timer for the next reminder or overdue escalation.
 */
import { notYetDerived, stopOpenClock } from '../domain/clocks/case-clock';
import { patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import { nextTimerInstant, owedTimers } from '../domain/clocks/timers';
import type { IsoDate } from '../domain/calendar/dates';
import type { ClockEvent } from '../domain/clocks/working-day-clock';
import type { CaseClock } from '../domain/application/types';
import {
  checks,
  type DocumentAction,
  madePublicOn,
  outstandingDuties,
  preSignOffStage,
  publishedCarriers,
} from '../domain/documents/rules';
import { type Actor, ATTRIBUTES, type DocumentState, type ReviewRecord } from '../domain/documents/types';
import { CaseState, Department, DueAt } from '../temporal-config/search-attributes';
import * as m from './document-messages';
import { CaseRuntime, type StepResult, SYSTEM_ACTOR as SYSTEM, today } from './runtime/case-runtime';
import { ruleProfileOf } from './runtime/profile';

const { deriveClocks, recordDocumentEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['InvalidClockEvents'] },
});

const CHANNEL_LABELS: Record<string, string> = {
  portal: '门户网站',
  intranet: '非涉密内网',
  gazette: '政府公报',
  'reading-room': '查阅场所',
};

/**
 * Rules added to a step while documents were already running, each behind its patch: a
 * history recorded before the rule replays the step as it ran then.
 */
const LATER_RULES: Partial<Record<DocumentAction, string>> = {
  reviewSecrecy: 'document-secrecy-review-levels',
  signOff: 'document-sign-off-after-public-comment',
};

/** Not a deadline: the derivation of the earliest day a draft's public comment may end. */
const PUBLIC_COMMENT_MINIMUM = 'public-comment-minimum';

export async function documentRelease(input: m.DocumentInput): Promise<DocumentState> {
  const { registration } = input;
  const profile = ruleProfileOf(input);
  const rules = profile.documentRelease;
  const reminderDays = profile.application.remindersWorkingDaysBefore;
  const fresh: DocumentState = {
    docId: input.docId,
    ruleProfile: { id: profile.id, version: profile.version },
    stage: 'drafted',
    closed: false,
    registration,
    inherited: input.inherited,
    proposedAttribute: registration.proposedAttribute,
    attributeReasons: registration.attributeReasons ?? null,
    officeVerified: null,
    returns: [],
    secrecy: { firstLevel: null, secondLevel: null, escalation: null },
    coIssuerAnswers: [],
    finalAttribute: null,
    signedOff: null,
    conversion: null,
    publications: [],
    interpretation: null,
    deposit: null,
    indexNo: null,
    publicComment: null,
    publicCommentExemption: null,
    preDisclosure: null,
    changes: [],
    clocks: [],
    seq: 0,
  };
  // A reopened document carries on from its record (older records lack the newer fields).
  const state: DocumentState = input.reopened ? { ...fresh, ...input.reopened.state } : fresh;
  const subject = `《${registration.title}》（${registration.docNumber}）`;

  const runtime = new CaseRuntime(state);

  // ---- clocks ---------------------------------------------------------------------------
  const clock = (id: string): CaseClock | undefined => state.clocks.find((c) => c.id === id);

  function openClock(id: string, label: string, rule: string, start: ClockEvent): void {
    const existing = clock(id);
    if (existing) {
      // A conversion restarts a clock that already ran: a new run, derived from the same record.
      if (existing.closed) return;
      existing.events.push({
        type: 'restarted',
        date: start.date,
        ...(start.type === 'started' ? { workingDays: start.workingDays } : {}),
        reason: start.reason,
      });
      return;
    }
    state.clocks.push({
      id,
      kind: id.startsWith('secrecy') ? 'secrecy-escalation' : 'step',
      label,
      rule,
      statutory: true,
      events: [start],
      ...notYetDerived(),
    });
  }

  const closeClock = (id: string, date: IsoDate, reason: string): void => stopOpenClock(clock(id), date, reason);

  async function refreshClocks(): Promise<void> {
    const comment = state.publicComment;
    // The earliest end of an open comment period is derived with the clocks (same calendar,
    // re-derived when it changes) but is no deadline: it arms no timer and is on no screen.
    const minimum =
      comment && !comment.ended
        ? [
            {
              id: PUBLIC_COMMENT_MINIMUM,
              events: [
                {
                  type: 'started' as const,
                  date: comment.startedOn,
                  workingDays: comment.minimumWorkingDays,
                  reason: '公布草案及起草说明，公开征求意见',
                },
              ],
            },
          ]
        : [];
    const derived = await deriveClocks({
      clocks: [...state.clocks.map((c) => ({ id: c.id, events: c.events })), ...minimum],
      reminderWorkingDaysBefore: reminderDays,
    });
    const now = Date.now();
    for (const result of derived) {
      if (result.id === PUBLIC_COMMENT_MINIMUM) {
        comment!.earliestEndOn = result.derived.due;
        comment!.derivation = result.derived.steps.map((x) => x.explanation);
        continue;
      }
      const target = clock(result.id)!;
      target.derived = result.derived;
      target.dueAt = result.dueAt;
      target.reminders = result.reminders.filter(
        (r) => Date.parse(r.at) > now || target.remindersSent.includes(`${result.derived.due}/${r.workingDaysBefore}`),
      );
    }
    const next = nextDueAt();
    upsertSearchAttributes([
      { key: CaseState, value: state.stage },
      { key: Department, value: registration.issuingDepartment },
      ...(next ? [{ key: DueAt, value: new Date(next) }] : []),
    ]);
  }

  function nextDueAt(): string | null {
    const open = state.clocks.filter((c) => !c.closed && c.dueAt).map((c) => c.dueAt!);
    return open.sort()[0] ?? null;
  }

  /** Release clocks of a 主动公开 document, from its signing (or conversion) date. */
  function startReleaseClocks(from: IsoDate, reason: string): void {
    for (const p of rules.publication) {
      openClock(
        `publication:${p.channel}`,
        `${CHANNEL_LABELS[p.channel] ?? p.channel}公开期限`,
        `documentRelease.publication.${p.channel}`,
        {
          type: 'started',
          date: from,
          workingDays: p.workingDays,
          reason,
        },
      );
    }
    if (rules.readingRoomDeposit) {
      openClock('reading-room', '送交查阅场所期限', 'documentRelease.readingRoomDeposit', {
        type: 'started',
        date: from,
        workingDays: rules.readingRoomDeposit.workingDays,
        reason,
      });
    }
  }

  // ---- persistence -----------------------------------------------------------------------
  async function emit(
    type: string,
    actor: Actor,
    payload: Record<string, unknown>,
    review?: ReviewRecord,
    catalogue = false,
  ): Promise<void> {
    state.seq += 1;
    const result = await recordDocumentEvent({
      workflowId: workflowInfo().workflowId,
      agencyCode: input.agencyCode,
      regionCode: profile.jurisdiction.regionCode,
      event: { seq: state.seq, type, actor, at: new Date().toISOString(), payload },
      state,
      ...(review ? { review } : {}),
      catalogue,
    });
    if (result.indexNo) state.indexNo = result.indexNo;
  }

  const record = (
    kind: ReviewRecord['kind'],
    actor: Actor,
    basis: string,
    conclusion: string,
    participants: string[] = [],
  ): ReviewRecord => ({
    kind,
    subject,
    basis,
    conclusion,
    reviewer: actor.displayName || actor.username,
    reviewedOn: today(),
    participants: [...new Set([actor.displayName || actor.username, ...participants])],
  });

  function step<P extends { actor: Actor }>(
    definition: UpdateDefinition<StepResult, [P]>,
    action: DocumentAction,
    run: (payload: P) => Promise<void>,
  ): void {
    const check = checks[action] as (
      s: DocumentState,
      p: P,
      c: { profile: typeof profile; today: IsoDate; legacy?: boolean },
    ) => string | null;
    const refusal = (payload: P, legacy = false) => check(state, payload, { profile, today: today(), legacy });
    const laterRule = LATER_RULES[action];
    // The validator always applies today's rules; under the lock, a replayed history from
    // before a rule was added must take the path it took then.
    runtime.step(
      definition,
      (payload: P) => refusal(payload),
      run,
      (payload: P) => refusal(payload, laterRule !== undefined && !patched(laterRule)),
    );
  }

  // ---- steps ------------------------------------------------------------------------------
  step(m.verifyUpdate, 'verify', async (p: m.Verify) => {
    state.officeVerified = { by: p.actor.username, on: today() };
    state.stage = preSignOffStage(state);
    await refreshClocks();
    await emit(
      'office-verified',
      p.actor,
      { attribute: state.proposedAttribute, notes: p.notes ?? null },
      record(
        'office-verification',
        p.actor,
        state.attributeReasons ?? '拟稿人未附理由（主动公开）',
        `公开属性核定为「${ATTRIBUTES[state.proposedAttribute!]}」${p.notes ? `；${p.notes}` : ''}`,
      ),
    );
  });

  step(m.returnToDrafterUpdate, 'returnToDrafter', async (p: m.ReturnToDrafter) => {
    const round = state.returns.length + 1;
    state.returns.push({ round, missing: p.missing, notes: p.notes, by: p.actor.username, on: today(), resubmittedOn: null });
    state.stage = 'returned';
    await refreshClocks();
    await emit(
      'returned-to-drafter',
      p.actor,
      { round, missing: p.missing, notes: p.notes },
      record('office-return', p.actor, `缺少：${p.missing.map((x) => RETURN_REASONS[x]).join('、')}`, `第${round}次退回拟稿人：${p.notes}`),
    );
  });

  step(m.resubmitUpdate, 'resubmit', async (p: m.Resubmit) => {
    const last = state.returns.at(-1);
    if (last) last.resubmittedOn = today();
    state.proposedAttribute = p.proposedAttribute;
    state.attributeReasons = p.attributeReasons ?? null;
    if (p.containsWithheldContent !== undefined)
      state.registration = { ...state.registration, containsWithheldContent: p.containsWithheldContent };
    // A changed attribute needs the secrecy review and the co-issuers again.
    state.secrecy = { firstLevel: null, secondLevel: null, escalation: null };
    closeClock('secrecy-escalation', today(), '拟稿人重新提交');
    state.coIssuerAnswers = [];
    state.officeVerified = null;
    state.stage = 'drafted';
    await refreshClocks();
    await emit('resubmitted', p.actor, {
      round: last?.round ?? null,
      proposedAttribute: p.proposedAttribute,
      attributeReasons: p.attributeReasons ?? null,
    });
  });

  step(m.reviewDocumentSecrecyUpdate, 'reviewSecrecy', async (p: m.ReviewSecrecy) => {
    const on = today();
    const review = { conclusion: p.conclusion, by: p.actor.username, on, basis: p.basis, notes: p.notes, participants: p.participants };
    if (p.level === 1) state.secrecy.firstLevel = review;
    else state.secrecy.secondLevel = review;
    const conclusion = {
      pass: '不涉密，可按拟定属性办理',
      fail: '涉密，不得公开',
      'cannot-determine': `无法确定，报请${p.authority ?? ''}确定`,
    }[p.conclusion];
    const reviewRecord = record(p.level === 1 ? 'secrecy-1' : 'secrecy-2', p.actor, p.basis, `${conclusion}。${p.notes}`, p.participants);
    if (p.conclusion === 'fail') {
      // Secrets found: back to the drafter, who must change the attribute (with reasons).
      const round = state.returns.length + 1;
      state.returns.push({
        round,
        missing: ['attribute'],
        notes: `保密审查认定涉密：${p.notes}`,
        by: p.actor.username,
        on,
        resubmittedOn: null,
      });
      state.stage = 'returned';
    }
    if (p.conclusion === 'cannot-determine') {
      state.secrecy.escalation = { authority: p.authority!, sentOn: on, extendedBy: 0, answer: null };
      openClock('secrecy-escalation', `保密审查请示（${p.authority}）`, 'documentRelease.secrecyEscalation', {
        type: 'started',
        date: on,
        workingDays: rules.secrecyEscalation.workingDays,
        reason: '报请保密工作部门确定',
      });
    }
    if (p.conclusion === 'pass') state.stage = preSignOffStage(state);
    await refreshClocks();
    await emit(
      'secrecy-reviewed',
      p.actor,
      { level: p.level, conclusion: p.conclusion, basis: p.basis, notes: p.notes, authority: p.authority ?? null },
      reviewRecord,
    );
  });

  step(m.answerDocumentSecrecyEscalationUpdate, 'answerSecrecyEscalation', async (p: m.AnswerSecrecyEscalation) => {
    const escalation = state.secrecy.escalation!;
    escalation.answer = { conclusion: p.conclusion, on: p.answeredOn, notes: p.notes };
    closeClock('secrecy-escalation', p.answeredOn, '保密工作部门已答复');
    if (p.conclusion === 'secret') {
      const round = state.returns.length + 1;
      state.returns.push({
        round,
        missing: ['attribute'],
        notes: `${escalation.authority}认定涉密：${p.notes}`,
        by: p.actor.username,
        on: p.answeredOn,
        resubmittedOn: null,
      });
      state.stage = 'returned';
    } else {
      state.stage = preSignOffStage(state);
    }
    await refreshClocks();
    await emit(
      'secrecy-escalation-answered',
      p.actor,
      { conclusion: p.conclusion, answeredOn: p.answeredOn, notes: p.notes },
      record(
        'secrecy-escalation',
        p.actor,
        `报请${escalation.authority}确定`,
        `${p.conclusion === 'secret' ? '属于国家秘密，不得公开' : '可以公开'}。${p.notes}`,
        [escalation.authority],
      ),
    );
  });

  step(m.extendDocumentSecrecyEscalationUpdate, 'extendSecrecyEscalation', async (p: m.ExtendSecrecyEscalation) => {
    state.secrecy.escalation!.extendedBy = p.workingDays;
    const target = clock('secrecy-escalation');
    if (target && !target.closed)
      target.events.push({ type: 'extended', date: today(), workingDays: p.workingDays, reason: '保密工作部门延长答复期限' });
    await refreshClocks();
    await emit('secrecy-escalation-extended', p.actor, { workingDays: p.workingDays });
  });

  step(m.recordCoIssuerUpdate, 'recordCoIssuer', async (p: m.RecordCoIssuer) => {
    state.coIssuerAnswers = state.coIssuerAnswers.filter((a) => a.coIssuer !== p.coIssuer);
    state.coIssuerAnswers.push({
      coIssuer: p.coIssuer,
      agreed: p.agreed,
      attribute: state.proposedAttribute!,
      notes: p.notes,
      on: today(),
    });
    if (!p.agreed) {
      const round = state.returns.length + 1;
      state.returns.push({
        round,
        missing: ['attribute'],
        notes: `联合发文单位${p.coIssuer}不同意：${p.notes}`,
        by: p.actor.username,
        on: today(),
        resubmittedOn: null,
      });
      state.stage = 'returned';
    } else if (state.stage !== 'drafted') {
      state.stage = preSignOffStage(state);
    }
    await refreshClocks();
    await emit(
      'co-issuer-answered',
      p.actor,
      { coIssuer: p.coIssuer, agreed: p.agreed, attribute: state.proposedAttribute, notes: p.notes },
      record(
        'co-issuer',
        p.actor,
        `联合发文单位${p.coIssuer}意见`,
        `${p.agreed ? '同意' : '不同意'}公开属性「${ATTRIBUTES[state.proposedAttribute!]}」${p.notes ? `：${p.notes}` : ''}`,
        [p.coIssuer],
      ),
    );
  });

  step(m.signOffDocumentUpdate, 'signOff', async (p: m.SignOff) => {
    const on = today();
    const reasons = p.reasons ?? (p.finalAttribute === state.proposedAttribute ? state.attributeReasons : null);
    state.finalAttribute = p.finalAttribute;
    state.signedOff = { by: p.actor.username, on, reasons };
    if (p.finalAttribute === 'proactive') {
      state.stage = 'releasing';
      startReleaseClocks(on, '公文签发印发');
    } else {
      state.stage = 'withheld';
    }
    await refreshClocks();
    // 依申请公开 documents are listed in the catalogue from sign-off; 主动公开 ones once public.
    await emit(
      'signed-off',
      p.actor,
      { finalAttribute: p.finalAttribute, reasons },
      record('sign-off', p.actor, reasons ?? '主动公开', `签发，公开属性确定为「${ATTRIBUTES[p.finalAttribute]}」`),
      p.finalAttribute === 'on-request',
    );
  });

  step(m.recordPublicationUpdate, 'recordPublication', async (p: m.RecordPublication) => {
    const wasPublic = madePublicOn(state) !== null;
    state.publications.push({ channel: p.channel, url: p.url, publishedOn: p.publishedOn, publishedAt: new Date().toISOString() });
    // The first publication on a public channel makes the document public: catalogue entry, interpretation clock.
    const first = !wasPublic && madePublicOn(state) !== null;
    closeClock(`publication:${p.channel}`, p.publishedOn, `已在${CHANNEL_LABELS[p.channel] ?? p.channel}公开`);
    if (first && registration.normative && rules.interpretation) {
      openClock('interpretation', '政策解读发布期限', 'documentRelease.interpretation', {
        type: 'started',
        date: p.publishedOn,
        workingDays: rules.interpretation.workingDays,
        reason: '行政规范性文件公开',
      });
    }
    completeIfReleased();
    await refreshClocks();
    await emit('published', p.actor, { channel: p.channel, url: p.url, publishedOn: p.publishedOn }, undefined, first);
  });

  step(m.recordInterpretationUpdate, 'recordInterpretation', async (p: m.RecordInterpretation) => {
    state.interpretation = { title: p.title, url: p.url, publishedOn: p.publishedOn };
    closeClock('interpretation', p.publishedOn, '政策解读已发布');
    completeIfReleased();
    await refreshClocks();
    await emit('interpretation-published', p.actor, { title: p.title, url: p.url, publishedOn: p.publishedOn, linkedTo: state.docId });
  });

  step(m.recordDepositUpdate, 'recordDeposit', async (p: m.RecordDeposit) => {
    state.deposit = { place: p.place, depositedOn: p.depositedOn };
    closeClock('reading-room', p.depositedOn, `已送交${p.place}`);
    completeIfReleased();
    await refreshClocks();
    await emit('deposited', p.actor, { place: p.place, depositedOn: p.depositedOn });
  });

  // ---- seed 003: a draft policy's public comment ------------------------------------------
  step(m.openPublicCommentUpdate, 'openPublicComment', async (p: m.OpenPublicComment) => {
    state.publicComment = {
      startedOn: p.startedOn,
      channel: p.channel,
      url: p.url ?? null,
      draftingNote: p.draftingNote,
      minimumWorkingDays: rules.publicCommentMinimum!.workingDays,
      earliestEndOn: null,
      derivation: [],
      ended: null,
    };
    await refreshClocks();
    await emit('public-comment-opened', p.actor, {
      startedOn: p.startedOn,
      channel: p.channel,
      url: p.url ?? null,
      draftingNote: p.draftingNote,
      minimumWorkingDays: state.publicComment.minimumWorkingDays,
      earliestEndOn: state.publicComment.earliestEndOn,
    });
  });

  step(m.closePublicCommentUpdate, 'closePublicComment', async (p: m.ClosePublicComment) => {
    const comment = state.publicComment!;
    comment.ended = { endedOn: p.endedOn, commentsReceived: p.commentsReceived, commentRecord: p.commentRecord, by: p.actor.username };
    await refreshClocks();
    await emit('public-comment-closed', p.actor, {
      startedOn: comment.startedOn,
      endedOn: p.endedOn,
      earliestEndOn: comment.earliestEndOn,
      commentsReceived: p.commentsReceived,
      commentRecord: p.commentRecord,
    });
  });

  step(m.exemptPublicCommentUpdate, 'exemptPublicComment', async (p: m.ExemptPublicComment) => {
    state.publicCommentExemption = { reason: p.reason, explanation: p.explanation, by: p.actor.username, on: today() };
    await refreshClocks();
    await emit('public-comment-exempted', p.actor, { reason: p.reason, explanation: p.explanation });
  });

  // ---- seed 004: a major decision's pre-disclosure ----------------------------------------
  step(m.recordPreDisclosureUpdate, 'recordPreDisclosure', async (p: m.RecordPreDisclosure) => {
    state.preDisclosure = {
      startedOn: p.startedOn,
      channel: p.channel,
      url: p.url ?? null,
      summary: p.summary,
      workingDays: p.workingDays,
      ended: null,
    };
    openClock('pre-disclosure', '重大行政决策预公开期限', 'documentRelease.preDisclosureMaximum', {
      type: 'started',
      date: p.startedOn,
      workingDays: p.workingDays,
      reason: '预公开决定向社会发布',
    });
    await refreshClocks();
    await emit('pre-disclosure-recorded', p.actor, {
      startedOn: p.startedOn,
      channel: p.channel,
      url: p.url ?? null,
      summary: p.summary,
      workingDays: p.workingDays,
      maximumWorkingDays: rules.preDisclosureMaximum!.workingDays,
      endsOn: clock('pre-disclosure')!.derived?.due ?? null,
    });
  });

  step(m.endPreDisclosureUpdate, 'endPreDisclosure', async (p: m.EndPreDisclosure) => {
    state.preDisclosure!.ended = { endedOn: p.endedOn, feedback: p.feedback, by: p.actor.username };
    closeClock('pre-disclosure', p.endedOn, '预公开结束');
    await refreshClocks();
    await emit('pre-disclosure-ended', p.actor, { endedOn: p.endedOn, feedback: p.feedback });
  });

  // ---- changes to published information -----------------------------------------------------
  step(m.recordChangeUpdate, 'recordChange', async (p: m.RecordChange) => {
    const no = state.changes.length + 1;
    const carriers = publishedCarriers(state);
    state.changes.push({
      no,
      summary: p.summary,
      changedOn: p.changedOn,
      recordedBy: p.actor.username,
      carriers,
      updates: [],
      completedOn: null,
    });
    openClock(`change:${no}`, `变更信息更新期限（第${no}次）`, 'documentRelease.changes', {
      type: 'started',
      date: p.changedOn,
      workingDays: rules.changes!.workingDays,
      reason: '已公开信息发生变更',
    });
    if (state.stage === 'released') state.stage = 'updating';
    state.closed = false;
    await refreshClocks();
    await emit('change-recorded', p.actor, { no, summary: p.summary, changedOn: p.changedOn, carriers });
  });

  step(m.publishChangeUpdate, 'publishChange', async (p: m.PublishChange) => {
    const change = state.changes.find((c) => c.no === p.changeNo)!;
    change.updates.push({ channel: p.channel, url: p.url, publishedOn: p.publishedOn });
    const complete = change.carriers.every((c) => change.updates.some((u) => u.channel === c));
    if (complete) {
      change.completedOn = change.updates
        .map((u) => u.publishedOn)
        .sort()
        .at(-1)!;
      closeClock(`change:${change.no}`, change.completedOn, '变更信息已在原发布载体更新');
    }
    completeIfReleased();
    await refreshClocks();
    await emit('change-published', p.actor, { no: change.no, channel: p.channel, url: p.url, publishedOn: p.publishedOn, complete });
  });

  async function convert(p: m.Convert, on: IsoDate): Promise<void> {
    const from = state.finalAttribute!;
    state.conversion = { from, on, reasons: p.reasons, by: p.actor.username, selfCheckId: p.selfCheckId ?? null };
    state.finalAttribute = 'proactive';
    state.stage = 'releasing';
    startReleaseClocks(on, '经自查转为主动公开');
    await refreshClocks();
    await emit(
      'converted-to-proactive',
      p.actor,
      { from, reasons: p.reasons, selfCheckId: p.selfCheckId ?? null },
      record('self-check', p.actor, p.reasons, `由「${ATTRIBUTES[from]}」转为「主动公开」`),
    );
  }

  step(m.convertUpdate, 'convert', async (p: m.Convert) => convert(p, today()));

  setHandler(m.selfCheckConvertSignal, async (p) => {
    await runtime.exclusively(async () => {
      // The self-check listed this document as withheld; if it changed meanwhile, nothing to convert.
      if (checks.convert(state, p, { profile, today: today() }) === null) await convert(p, p.on);
    });
  });

  function completeIfReleased(): void {
    if (outstandingDuties(state, profile).length === 0) {
      state.stage = 'released';
      state.closed = true;
    }
  }

  runtime.registrationGate(m.awaitDocumentRegistrationUpdate);
  setHandler(m.documentStateQuery, () => state);
  runtime.calendarSignal(m.documentCalendarChangedSignal);

  // ---- registration -----------------------------------------------------------------------
  if (input.reopened) {
    runtime.alreadyRegistered(); // this run exists for the change it was started with
  } else {
    await runtime.register(async () => {
      await refreshClocks();
      await emit('registered', input.submittedBy, {
        title: registration.title,
        docNumber: registration.docNumber,
        proposedAttribute: registration.proposedAttribute,
        attributeReasons: registration.attributeReasons ?? null,
        coIssuers: registration.coIssuers,
        inherited: input.inherited,
      });
    });
  }

  // ---- timers -----------------------------------------------------------------------------
  // A change recorded while the run winds down (or the change a reopened run starts with)
  // opens the document again: back to the timers until it is released once more.
  do {
    await runtime.runTimers({
      nextTimer: () => nextTimerInstant(state.clocks),
      fireDueTimers,
      recompute: async () => {
        const before = datesOnRecord();
        await refreshClocks();
        if (before !== datesOnRecord()) {
          await emit('clocks-recomputed', SYSTEM, {
            dues: Object.fromEntries(state.clocks.map((c) => [c.id, c.derived?.due ?? null])),
            ...(state.publicComment ? { publicCommentEarliestEndOn: state.publicComment.earliestEndOn } : {}),
          });
        }
      },
    });
  } while (!state.closed);
  return state;

  /** Every date the calendar decides: the clocks' due dates and a comment period's earliest end. */
  function datesOnRecord(): string {
    const dues = state.clocks.map((c) => `${c.id}:${c.derived?.due}`).join();
    return state.publicComment ? `${dues};${PUBLIC_COMMENT_MINIMUM}:${state.publicComment.earliestEndOn}` : dues;
  }

  async function fireDueTimers(): Promise<void> {
    for (const owed of owedTimers(state.clocks, Date.now())) {
      const c = owed.clock;
      if (owed.kind === 'reminder') {
        c.remindersSent.push(owed.key);
        await emit('clock-reminder', SYSTEM, {
          clockId: c.id,
          label: c.label,
          due: c.derived!.due,
          workingDaysBefore: owed.workingDaysBefore,
          notify: notifyFor(c, false),
        });
      } else {
        c.overdueHandledFor = owed.due;
        // Overdue: escalate to the issuing department's head and the supervisor (督办).
        await emit('clock-overdue', SYSTEM, { clockId: c.id, label: c.label, due: owed.due, notify: notifyFor(c, true) });
      }
    }
  }

  function notifyFor(c: CaseClock, overdue: boolean): string[] {
    const owner = c.id === 'secrecy-escalation' ? ['role:reviewer'] : [`department:${input.officeDepartmentCode ?? 'gkb'}`];
    return overdue ? [...owner, `department-head:${registration.issuingDepartment}`, 'role:supervisor'] : owner;
  }
}

const RETURN_REASONS: Record<'attribute' | 'reasons' | 'other', string> = { attribute: '公开属性', reasons: '不公开理由', other: '其他' };

/**
 * The recurring duties of document release, each started by a Temporal Schedule:
 *
 * - `nonDisclosureRegister`: the half-yearly 不予公开 register (seed 001: by 31 March and
 *   31 December) — compiles every 不予公开 document not yet reported into a register row
 *   with its due date, in PostgreSQL, then waits for the office to record the 报备; not done
 *   by 24:00 on the due date, it is marked overdue and escalated to the supervisor.
 * - `documentSelfCheck`: the November self-check (seed 000) — opens a review task listing
 *   every 不予公开 and 依申请公开 document; each is confirmed or converted to 主动公开 (the
 *   conversion is signalled to that document's workflow, which restarts its release clocks).
 *   Past the end of the month with items undecided, it escalates once to the supervisor.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { endOfDayShanghai, shanghaiDateOf } from '../domain/calendar/dates';
import { nextRegisterDue, selfCheckDue } from '../domain/documents/rules';
import { findRuleProfile } from '../domain/rulesets/lookup';
import type { Activities } from '../activities';
import { ACTION_REFUSED } from './application-messages';
import * as m from './document-messages';

const { compileNonDisclosureRegister, openSelfCheck, recordSelfCheckDecision, markRegister } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function profileOf(input: m.RecurringDutyInput) {
  const profile = findRuleProfile(input.profileId, input.profileVersion);
  if (!profile) throw ApplicationFailure.nonRetryable(`unknown rule profile ${input.profileId}`, 'UnknownRuleProfile');
  return profile;
}

export async function nonDisclosureRegister(input: m.RecurringDutyInput): Promise<m.RegisterState> {
  const profile = profileOf(input);
  const dues = profile.documentRelease.nonDisclosureRegisterDue;
  if (!dues || dues.length === 0)
    throw ApplicationFailure.nonRetryable(`profile ${profile.id} has no 不予公开 register`, 'NoRegisterInProfile');
  const dueOn = nextRegisterDue(shanghaiDateOf(Date.now()), dues);
  const state: m.RegisterState = { registerId: '', dueOn, docIds: [], overdue: false, submitted: null };
  let compiled = false;
  setHandler(m.awaitRegisterCompiledUpdate, async () => {
    await condition(() => compiled);
    return state;
  });
  setHandler(m.registerStateQuery, () => state);
  const refusal = (p: m.SubmitRegister): string | null => {
    if (!compiled) return '报备登记尚未生成';
    if (state.submitted) return '本期不予公开信息已报备';
    return p.submittedTo.trim().length === 0 ? '须写明报备机关' : null;
  };
  setHandler(
    m.submitRegisterUpdate,
    async (p) => {
      const reason = refusal(p);
      if (reason) throw ApplicationFailure.create({ type: ACTION_REFUSED, message: reason, nonRetryable: true });
      state.submitted = { by: p.actor.username, submittedTo: p.submittedTo, on: shanghaiDateOf(Date.now()) };
      await markRegister({
        registerId: state.registerId,
        status: 'completed',
        notify: [],
        by: p.actor.username,
        note: `报${p.submittedTo}${p.note ? `：${p.note}` : ''}`,
      });
      return state;
    },
    {
      validator: (p) => {
        const reason = refusal(p);
        if (reason) throw new Error(reason);
      },
    },
  );

  const result = await compileNonDisclosureRegister({
    workflowId: workflowInfo().workflowId,
    agencyCode: input.agencyCode,
    profileId: profile.id,
    dueOn,
  });
  state.registerId = result.registerId;
  state.docIds = result.docIds;
  compiled = true;

  // Due at 24:00 Asia/Shanghai on the due date; not reported by then → escalate once.
  const dueMs = endOfDayShanghai(dueOn).getTime() - Date.now();
  if (!(await condition(() => state.submitted !== null, Math.max(dueMs, 1)))) {
    state.overdue = true;
    await markRegister({
      registerId: state.registerId,
      status: 'overdue',
      notify: [`department:${input.officeDepartmentCode ?? 'gkb'}`, 'role:supervisor'],
    });
    await condition(() => state.submitted !== null);
  }
  await condition(allHandlersFinished);
  return state;
}

export async function documentSelfCheck(input: m.RecurringDutyInput): Promise<m.SelfCheckState> {
  const profile = profileOf(input);
  const month = profile.documentRelease.selfCheckMonth;
  if (!month) throw ApplicationFailure.nonRetryable(`profile ${profile.id} has no yearly self-check`, 'NoSelfCheckInProfile');
  const dueOn = selfCheckDue(shanghaiDateOf(Date.now()), month);
  const state: m.SelfCheckState = { registerId: '', dueOn, items: [], overdue: false, completed: false };

  let opened = false;
  setHandler(m.awaitSelfCheckOpenedUpdate, async () => {
    await condition(() => opened);
    return state;
  });
  setHandler(m.selfCheckStateQuery, () => state);

  const refusal = (p: m.DecideSelfCheckItem): string | null => {
    if (!opened) return '自查尚未开始';
    const item = state.items.find((i) => i.docId === p.docId);
    if (!item) return `公文 ${p.docId} 不在本次自查清单中`;
    if (item.decision) return `公文 ${p.docId} 已有自查结论`;
    if (p.reasons.trim().length === 0) return '须写明自查意见';
    return null;
  };
  let busy = false;
  setHandler(
    m.decideSelfCheckItemUpdate,
    async (p) => {
      await condition(() => !busy);
      busy = true;
      try {
        const reason = refusal(p);
        if (reason) throw ApplicationFailure.create({ type: ACTION_REFUSED, message: reason, nonRetryable: true });
        const on = shanghaiDateOf(Date.now());
        await recordSelfCheckDecision({
          registerId: state.registerId,
          docId: p.docId,
          decision: p.decision,
          reasons: p.reasons,
          actor: p.actor,
        });
        state.items.find((i) => i.docId === p.docId)!.decision = p.decision;
        if (p.decision === 'convert') {
          await getExternalWorkflowHandle(`document-${p.docId}`).signal(m.selfCheckConvertSignal, {
            actor: p.actor,
            reasons: p.reasons,
            selfCheckId: state.registerId,
            on,
          });
        }
        return state;
      } finally {
        busy = false;
      }
    },
    {
      validator: (p) => {
        const reason = refusal(p);
        if (reason) throw new Error(reason);
      },
    },
  );

  const openedTask = await openSelfCheck({
    workflowId: workflowInfo().workflowId,
    agencyCode: input.agencyCode,
    profileId: profile.id,
    dueOn,
  });
  state.registerId = openedTask.registerId;
  state.items = openedTask.items;
  opened = true;

  const allDecided = () => state.items.every((i) => i.decision !== null);
  const dueMs = endOfDayShanghai(dueOn).getTime() - Date.now();
  if (!(await condition(allDecided, Math.max(dueMs, 1)))) {
    state.overdue = true;
    await markRegister({
      registerId: state.registerId,
      status: 'overdue',
      notify: [`department:${input.officeDepartmentCode ?? 'gkb'}`, 'role:supervisor'],
    });
    await condition(allDecided);
  }
  state.completed = true;
  await markRegister({ registerId: state.registerId, status: 'completed', notify: [] });
  await condition(allHandlersFinished);
  return state;
}

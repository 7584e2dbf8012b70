/** The document-release steps a document allows a user now (see domain/allowed-actions.ts). Pure module. */
import type { IsoDate } from '../calendar/dates';
import { allowedBy, type Probe } from '../allowed-actions';
import type { RuleProfile } from '../rulesets/schema';
import { checks, type DocumentAction, publicationChannels } from './rules';
import type { Actor, DocumentState } from './types';

export function allowedDocumentActions(
  state: DocumentState,
  actor: Actor,
  ctx: { profile: RuleProfile; today: IsoDate },
): DocumentAction[] {
  const { today } = ctx;
  const probes: Partial<Record<DocumentAction, Probe<DocumentState>>> = {
    returnToDrafter: () => [{ missing: ['attribute'] }],
    resubmit: (s) => [{ proposedAttribute: s.proposedAttribute ?? 'proactive', attributeReasons: s.attributeReasons ?? '理由' }],
    reviewSecrecy: () => [{ level: actor.role === 'leader' ? 2 : 1, conclusion: 'pass' }],
    answerSecrecyEscalation: () => [{ answeredOn: today }],
    extendSecrecyEscalation: () => [{ workingDays: 1 }],
    recordCoIssuer: (s) => s.registration.coIssuers.map((coIssuer) => ({ coIssuer, agreed: true, notes: '' })),
    signOff: (s) => (s.proposedAttribute ? [{ finalAttribute: s.proposedAttribute }] : []),
    recordPublication: () => publicationChannels(ctx.profile).map((channel) => ({ channel, publishedOn: today })),
    recordInterpretation: () => [{ publishedOn: today }],
    recordDeposit: () => [{ depositedOn: today }],
    convert: () => [{ reasons: '理由' }],
    openPublicComment: () => [{ startedOn: today, draftingNote: '起草说明' }],
    closePublicComment: () => [{ endedOn: today, commentRecord: '意见及采纳情况' }],
    exemptPublicComment: () => [{ explanation: '说明' }],
    recordPreDisclosure: () => [{ startedOn: today, workingDays: 1, summary: '方案和理由' }],
    endPreDisclosure: () => [{ endedOn: today, feedback: '听取意见情况' }],
    recordChange: () => [{ changedOn: today, summary: '变更内容' }],
    publishChange: (s) =>
      (s.changes ?? [])
        .filter((c) => !c.completedOn)
        .flatMap((c) => c.carriers.map((channel) => ({ changeNo: c.no, channel, publishedOn: today }))),
  };
  const check = (action: DocumentAction, s: DocumentState, payload: Record<string, unknown>) =>
    (checks[action] as (s: DocumentState, p: unknown, c: { profile: RuleProfile; today: IsoDate; legacy?: boolean }) => string | null)(
      s,
      { ...payload, actor },
      ctx,
    );
  return allowedBy(Object.keys(checks) as DocumentAction[], probes, check, state);
}

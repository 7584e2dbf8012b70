/**
 * The step tables (api/steps/<kind>.ts) against the workflows: every step a table declares is
 * an update its workflow's messages module defines, under the same wire name as the module's
 * named export (so running workflows keep receiving their steps), and every step update a
 * module defines is in its table (no step the API cannot reach).
 */
import type { UpdateDefinition } from '@temporalio/common';
import { stepRights, type StepTable } from '../api/case-steps';
import { APPLICATION_STEPS } from '../api/steps/application';
import { DISPUTE_STEPS } from '../api/steps/dispute';
import { DOCUMENT_STEPS } from '../api/steps/document';
import { INCIDENT_STEPS } from '../api/steps/incident';
import { MESSAGE_STEPS } from '../api/steps/message';
import { allowedBy } from '../domain/allowed-actions';
import * as applicationMessages from '../workflows/application-messages';
import * as disputeMessages from '../workflows/dispute-messages';
import * as documentMessages from '../workflows/document-messages';
import * as incidentMessages from '../workflows/incident-messages';
import * as messageMessages from '../workflows/message-messages';

/** Updates that are not steps: waiting for registration, and the register and self-check workflows'. */
const NOT_STEPS = /(\.|^)await\w+$|^gongkai\.(register|selfCheck)\./;

const isUpdate = (value: unknown): value is UpdateDefinition<unknown, any[]> =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'update';

const KINDS: Array<{ kind: string; steps: StepTable; updateOf: (name: string) => UpdateDefinition<unknown, any[]>; module: object }> = [
  {
    kind: 'application',
    steps: APPLICATION_STEPS,
    updateOf: applicationMessages.applicationStepUpdate as never,
    module: applicationMessages,
  },
  { kind: 'document', steps: DOCUMENT_STEPS, updateOf: documentMessages.documentStepUpdate as never, module: documentMessages },
  { kind: 'incident', steps: INCIDENT_STEPS, updateOf: incidentMessages.incidentStepUpdate as never, module: incidentMessages },
  { kind: 'message', steps: MESSAGE_STEPS, updateOf: messageMessages.messageStepUpdate as never, module: messageMessages },
  { kind: 'dispute', steps: DISPUTE_STEPS, updateOf: disputeMessages.disputeStepUpdate as never, module: disputeMessages },
];

describe.each(KINDS)('the $kind step table', ({ steps, updateOf, module }) => {
  const exported = Object.values(module)
    .filter(isUpdate)
    .map((u) => u.name)
    .filter((name) => !NOT_STEPS.test(name))
    .sort();

  it('names exactly the step updates its workflow defines', () => {
    const fromTable = Object.keys(steps)
      .map((name) => updateOf(name).name)
      .sort();
    expect(exported.length).toBeGreaterThan(0);
    expect(fromTable).toEqual(exported);
  });

  it('gives every step a summary, at least one role and a body schema', () => {
    for (const [name, step] of Object.entries(steps)) {
      expect({ name, summary: step.summary.length > 0, roles: step.roles.length > 0, body: typeof step.body.safeParse }).toEqual({
        name,
        summary: true,
        roles: true,
        body: 'function',
      });
    }
  });
});

it('turns a table into the authorization matrix lines of its step routes', () => {
  expect(stepRights('/api/messages/:id', MESSAGE_STEPS)).toEqual({
    'POST /api/messages/:id/assign': ['clerk'],
    'POST /api/messages/:id/transfer': ['clerk', 'department'],
    'POST /api/messages/:id/extend': ['leader'],
    'POST /api/messages/:id/reply': ['department', 'clerk'],
    'POST /api/messages/:id/close': ['clerk'],
  });
});

it('names the document step whose workflow name differs from its URL name', () => {
  expect(documentMessages.documentStepUpdate('return').name).toBe(documentMessages.returnToDrafterUpdate.name);
  expect(incidentMessages.incidentStepUpdate('record-consent').name).toBe('gongkai.incident.recordConsent');
  expect(disputeMessages.disputeStepUpdate('submit-evidence').name).toBe('submitEvidence');
});

it('probes a step without a probe with an empty payload, and a step with one with each of its payloads', () => {
  const seen: Array<[string, Record<string, unknown>]> = [];
  const allowed = allowedBy(
    ['plain', 'probed', 'nothing-to-act-on'] as const,
    { probed: () => [{ n: 1 }, { n: 2 }], 'nothing-to-act-on': () => [] },
    (action, _state, payload) => {
      seen.push([action, payload]);
      return action === 'probed' && payload.n === 1 ? 'refused' : null;
    },
    {},
  );
  expect(allowed).toEqual(['plain', 'probed']);
  expect(seen).toEqual([
    ['plain', {}],
    ['probed', { n: 1 }],
    ['probed', { n: 2 }],
  ]);
});

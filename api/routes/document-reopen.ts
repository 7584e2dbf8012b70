/**
 * A step that may reach a released document whose workflow run has completed (a change to
 * published information). Kept apart from the routes so tests can drive it without the API.
 */
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { DocumentState } from '../../domain/documents/types';
import { findRuleProfile } from '../../domain/rulesets';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../../temporal-config/search-attributes';
import { documentRelease } from '../../workflows/document';
import type * as m from '../../workflows/document-messages';
import { ruleProfileRef } from '../../workflows/runtime/profile';
import type { StepResult } from '../../workflows/runtime/case-runtime';

/**
 * Sends a step that may reach a released document: a running workflow takes it as it is; a
 * completed one is started again under the same id (update-with-start, a new run) carrying
 * the recorded state and the rule profile version the document started under.
 */
export async function executeReopeningUpdate<P extends { actor: m.DocumentInput['submittedBy'] }>(
  temporal: Client,
  doc: { workflowId: string; agencyCode: string; taskQueue: string; state: DocumentState },
  update: UpdateDefinition<StepResult, [P]>,
  payload: P,
): Promise<StepResult> {
  const { state } = doc;
  const profile = findRuleProfile(state.ruleProfile.id, state.ruleProfile.version);
  if (!profile) throw new Error(`rule profile ${state.ruleProfile.id}@${state.ruleProfile.version} is no longer listed`);
  const input: m.DocumentInput = {
    docId: state.docId,
    agencyCode: doc.agencyCode,
    ruleProfile: ruleProfileRef(profile),
    registration: state.registration,
    inherited: state.inherited,
    submittedBy: payload.actor,
    reopened: { state },
  };
  const startWorkflowOperation = new WithStartWorkflowOperation(documentRelease, {
    workflowId: doc.workflowId,
    taskQueue: doc.taskQueue,
    args: [input],
    typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('document', state.docId, profile.id, doc.agencyCode),
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  return temporal.workflow.executeUpdateWithStart(update, { args: [payload], startWorkflowOperation });
}

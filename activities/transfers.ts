/**
 * Hand-over between agencies of the platform (条例 §36(五)): a case replied "not this agency"
 * naming an agency on the platform goes to it when it closes. The receiving agency gets a new
 * application of its own (its number, its rule profile, its office), with the applicant's
 * intake and materials, received the day of the hand-over; both cases name each other.
 *
 * Idempotent: the receiving case's number is drawn once and kept on the sending case
 * (`transferred_to`) in the same transaction; its workflow is started with that id (a retry
 * finds it running); the materials are attached once; the link back is an idempotent update.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { loadAgencyOf } from '../db/repositories/agency';
import { nextInSequence } from '../db/repositories/sequences';
import type { Database } from '../db/schema';
import { type AgencyConfig, caseNumber } from '../domain/agency';
import { newQueryCode } from '../domain/application/query-code';
import type { ApplicationIntake, HandOver } from '../domain/application/types';
import type { IsoDate } from '../domain/calendar/dates';
import { findRuleProfile } from '../domain/rulesets/lookup';
import { SEARCH_ATTRIBUTES_FOR_CASE } from '../temporal-config/search-attributes';
import { type ApplicationInput, awaitRegistrationUpdate } from '../workflows/application-messages';
import { SYSTEM_ACTOR } from '../workflows/runtime/case-runtime';
import { ruleProfileRef } from '../workflows/runtime/profile';
import { possibleDuplicates } from '../db/repositories/applications';
import { PERSONAL_PURPOSES } from '../db/files/store';

export interface HandOverRequest {
  /** The sending case and its agency. */
  caseNo: string;
  agencyCode: string;
  /** The competent agency its reply named. */
  toAgencyCode: string;
  /** The hand-over's day: the receiving agency's receipt. */
  on: IsoDate;
}

export function createTransferActivities(deps: { db: Kysely<Database>; agency: AgencyConfig; temporal?: Client }) {
  const { db } = deps;
  return {
    /** Hands the closed case over; answers the receiving side (the sending case records it as `handed-over`). */
    async handOverApplication(request: HandOverRequest): Promise<HandOver> {
      if (!deps.temporal)
        throw ApplicationFailure.nonRetryable('the worker has no Temporal client to start the receiving case', 'NoClient');
      if (request.toAgencyCode === request.agencyCode)
        throw ApplicationFailure.nonRetryable('a case is not handed over to its own agency', 'HandOverToSelf');
      const to = await loadAgencyOf(db, request.toAgencyCode, deps.agency).catch(() => null);
      if (!to) throw ApplicationFailure.nonRetryable(`agency ${request.toAgencyCode} is not on this platform`, 'UnknownAgency');
      const from = await loadAgencyOf(db, request.agencyCode, deps.agency);
      const profile = findRuleProfile(to.defaultRuleProfileId);
      if (!profile)
        throw ApplicationFailure.nonRetryable(`agency ${to.code} runs unknown rule profile ${to.defaultRuleProfileId}`, 'UnknownProfile');

      // The receiving case's number, drawn once (a retry finds it on the sending case).
      const sending = await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('applications')
          .select(['case_no', 'intake', 'transferred_to'])
          .where('case_no', '=', request.caseNo)
          .where('agency_code', '=', request.agencyCode)
          .forUpdate()
          .executeTakeFirst();
        if (!row) throw ApplicationFailure.nonRetryable(`case ${request.caseNo} is not recorded`, 'UnknownCase');
        if (row.transferred_to) return { ...row, transferred_to: row.transferred_to };
        const year = Number(request.on.slice(0, 4));
        const caseNo = caseNumber(to.code, year, await nextInSequence(trx, to.code, year, 'application'));
        await trx.updateTable('applications').set({ transferred_to: caseNo }).where('case_no', '=', request.caseNo).execute();
        return { ...row, transferred_to: caseNo };
      });
      const caseNo = sending.transferred_to;
      const workflowId = `application-${caseNo}`;
      const handOverFrom: HandOver = { agencyCode: from.code, agencyName: from.name, caseNo: request.caseNo, on: request.on };
      const input: ApplicationInput = {
        caseNo,
        queryCode: newQueryCode(),
        agencyCode: to.code,
        ruleProfile: ruleProfileRef(profile),
        intake: { ...(sending.intake as ApplicationIntake), receivedOn: request.on },
        submittedBy: SYSTEM_ACTOR,
        handOverFrom,
        ...(to.officeDepartmentCode ? { officeDepartmentCode: to.officeDepartmentCode } : {}),
        possibleDuplicates: await possibleDuplicates(db, {
          agencyCode: to.code,
          caseNo,
          idNumber: (sending.intake as ApplicationIntake).applicant.idNumber,
          description: (sending.intake as ApplicationIntake).description,
          windowDays: profile.application.duplicateWindowDays,
        }),
      };
      // Started once under its id: a retry waits for the same run's registration.
      const start = new WithStartWorkflowOperation('application', {
        workflowId,
        taskQueue: Context.current().info.taskQueue,
        args: [input],
        typedSearchAttributes: SEARCH_ATTRIBUTES_FOR_CASE('application', caseNo, profile.id, to.code),
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      await deps.temporal.workflow.executeUpdateWithStart(awaitRegistrationUpdate, { startWorkflowOperation: start });

      await db.transaction().execute(async (trx) => {
        await trx.updateTable('applications').set({ transferred_from: request.caseNo }).where('case_no', '=', caseNo).execute();
        // The applicant's materials go with the application (content-addressed: the same stored bytes).
        const materials = await trx
          .selectFrom('case_files')
          .select(['purpose', 'sha256', 'filename'])
          .where('case_kind', '=', 'application')
          .where('case_no', '=', request.caseNo)
          .where('purpose', 'in', PERSONAL_PURPOSES)
          .execute();
        if (materials.length > 0)
          await trx
            .insertInto('case_files')
            .values(
              materials.map((f) => ({
                case_kind: 'application',
                case_no: caseNo,
                purpose: f.purpose,
                sha256: f.sha256,
                filename: f.filename,
                uploaded_by: 'system',
              })),
            )
            .onConflict((oc) => oc.columns(['case_kind', 'case_no', 'purpose', 'sha256']).doNothing())
            .execute();
      });
      return { agencyCode: to.code, agencyName: to.name, caseNo, on: request.on };
    },
  };
}

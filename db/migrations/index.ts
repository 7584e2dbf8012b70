/**
 * Every migration, by timestamped name. A static list (not a folder scan) so the same
 * Migrator works under ts-node, jest and the compiled build alike.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './20261121T1700_foundation';
import * as applications from './20261121T1800_applications';
import * as workflowHistories from './20261121T1900_workflow_histories';
import * as disputes from './20261122T1200_disputes';
import * as supervision from './20261122T1300_supervision';
import * as incidentsMessages from './20261122T1400_incidents_messages';
import * as documents from './20261122T1500_documents';
import * as idempotency from './20261122T1600_idempotency';
import * as tokenLifetimes from './20261122T1700_token_lifetimes';
import * as applicationReportDates from './20261201T1200_application_report_dates';
import * as identity from './20261201T1300_identity';
import * as tokenDigestAlgorithms from './20261201T1310_token_digest_algorithms';
import * as audit from './20261201T1320_audit';
import * as administration from './20261201T1400_administration';
import * as officeDepartment from './20261201T1410_office_department';
import * as singleSignOn from './20261201T1530_single_sign_on';
import * as documentPdfs from './20261201T1600_document_pdfs';
import * as applicantMessages from './20261202T1100_applicant_messages';
import * as caseFiles from './20261202T1000_case_files';
import * as publicPortal from './20261202T1200_public_portal';
import * as agencies from './20261203T0900_agencies';

const migrations: Record<string, Migration> = {
  '20261121T1700_foundation': foundation,
  '20261121T1800_applications': applications,
  '20261121T1900_workflow_histories': workflowHistories,
  '20261122T1200_disputes': disputes,
  '20261122T1300_supervision': supervision,
  '20261122T1400_incidents_messages': incidentsMessages,
  '20261122T1500_documents': documents,
  '20261122T1600_idempotency': idempotency,
  '20261122T1700_token_lifetimes': tokenLifetimes,
  '20261201T1200_application_report_dates': applicationReportDates,
  '20261201T1300_identity': identity,
  '20261201T1310_token_digest_algorithms': tokenDigestAlgorithms,
  '20261201T1320_audit': audit,
  '20261201T1400_administration': administration,
  '20261201T1410_office_department': officeDepartment,
  '20261201T1530_single_sign_on': singleSignOn,
  '20261201T1600_document_pdfs': documentPdfs,
  '20261202T1100_applicant_messages': applicantMessages,
  '20261202T1000_case_files': caseFiles,
  '20261202T1200_public_portal': publicPortal,
  '20261203T0900_agencies': agencies,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

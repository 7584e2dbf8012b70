/**
 * For 行政复议 / 行政诉讼: a workflow's history (from Temporal while retained, else from the
 * PostgreSQL archive), a replay verdict with today's code, and a case's evidence bundle.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Kysely } from 'kysely';
import type { PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { CASE_NUMBER } from '../../domain/agency';
import { findArchivedHistory, type HistoryViewer, workflowVisibleTo } from '../../db/repositories/histories';
import type { Database } from '../../db/schema';
import type { ApplicationState } from '../../domain/application/types';
import { archiveWorkflowHistory } from '../../workflows/archive';
import { ApiError } from '../errors';
import { buildEvidenceBundle, digestAlgorithmLabel, zipBundle } from '../evidence';
import { FileStore } from '../../db/files/store';
import { contactFieldsIn, plainPayloadsInHistory, recordDecodedPersonalData, recordPersonalDataRead } from '../personal-data';
import { auditActor, recordAudit } from '../../db/repositories/audit';
import type { RouteTable } from '../route';

type HistorySource = { source: 'temporal' | 'archive'; json: string; sha256?: string; archivedAt?: Date };

/**
 * Temporal first (it holds open and recent runs); the archive once retention has removed it.
 * Null too when the viewer may not read it (another agency's case; a workflow with no case
 * unless a platform admin): answered as a workflow that does not exist.
 */
export async function loadHistory(
  db: Kysely<Database>,
  temporal: Client,
  workflowId: string,
  viewer: HistoryViewer,
): Promise<HistorySource | null> {
  if (!(await workflowVisibleTo(db, workflowId, viewer))) return null;
  try {
    const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
    return { source: 'temporal', json: historyToJSON(history) };
  } catch (error) {
    // fetchHistory surfaces a missing execution as a raw gRPC NOT_FOUND (code 5), not WorkflowNotFoundError.
    const notFound = error instanceof WorkflowNotFoundError || (error as { code?: number }).code === grpcStatus.NOT_FOUND;
    if (!notFound) throw error;
  }
  const archived = await findArchivedHistory(db, workflowId, viewer);
  return archived ? { source: 'archive', json: archived.json, sha256: archived.sha256, archivedAt: archived.archivedAt } : null;
}

const workflowIdParam = z.object({
  workflowId: z.string().regex(/^[a-z]+-[0-9A-Za-z-]{1,100}$/, 'must be a workflow id such as application-2026-000123'),
});

export function adminHistoryRoutes(
  routes: RouteTable,
  deps: { db: Kysely<Database>; temporal: Client; taskQueue: string; codec?: PayloadCodec },
): void {
  const { db, temporal } = deps;
  // Bundled once per process: replaying must not rebuild the workflow code for every request.
  let bundle: Promise<WorkflowBundleWithSourceMap> | null = null;
  const workflowBundle = () => (bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: undefined }));

  async function requireHistory(workflowId: string, viewer: HistoryViewer): Promise<HistorySource> {
    const history = await loadHistory(db, temporal, workflowId, viewer);
    if (!history) throw new ApiError(404, 'not_found', `no history for ${workflowId} in Temporal or in the archive`);
    return history;
  }

  routes.add({
    method: 'get',
    path: '/api/admin/workflows/:workflowId/history',
    summary: '工作流历史（保留期内取自 Temporal，其后取自数据库归档）',
    tags: ['admin'],
    roles: ['admin'],
    params: workflowIdParam,
    response: {
      status: 200,
      description: 'the history in proto3 JSON (as `temporal workflow show --output json`)',
      schema: z.object({
        workflowId: z.string(),
        source: z.enum(['temporal', 'archive']),
        sha256: z.string().optional(),
        eventCount: z.number(),
        history: z.unknown(),
      }),
    },
    errors: {
      404: 'neither Temporal nor the archive has it, or it is another agency’s case (a workflow with no case: platform admins only)',
    },
    handler: async ({ params, user, req }) => {
      const history = await requireHistory(params.workflowId, user!);
      const parsed = JSON.parse(history.json) as { events?: unknown[] };
      // Written with the codec off, a history carries the applicant in plain JSON: a read.
      await recordDecodedPersonalData(db, user!, req, plainPayloadsInHistory(parsed), 'history');
      return {
        workflowId: params.workflowId,
        source: history.source,
        ...(history.sha256 ? { sha256: history.sha256 } : {}),
        eventCount: parsed.events?.length ?? 0,
        history: parsed,
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/admin/workflows/:workflowId/archive',
    summary: '将已结束工作流的完整历史归档到数据库（压缩，带 SHA-256）',
    tags: ['admin'],
    roles: ['admin'],
    params: workflowIdParam,
    response: {
      status: 202,
      description: 'the archiver workflow started (it waits for the close)',
      schema: z.object({ workflowId: z.string(), archiverWorkflowId: z.string() }),
    },
    errors: { 404: 'no such workflow in Temporal, or it is another agency’s case (a workflow with no case: platform admins only)' },
    handler: async ({ params, user, req }) => {
      let runId: string;
      if (!(await workflowVisibleTo(db, params.workflowId, user!)))
        throw new ApiError(404, 'not_found', `${params.workflowId} is not in Temporal`);
      try {
        runId = (await temporal.workflow.getHandle(params.workflowId).describe()).runId;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw new ApiError(404, 'not_found', `${params.workflowId} is not in Temporal`);
        throw error;
      }
      const archiverWorkflowId = `archive-${params.workflowId}-${runId}`;
      await temporal.workflow.start(archiveWorkflowHistory, {
        workflowId: archiverWorkflowId,
        taskQueue: deps.taskQueue,
        args: [{ workflowId: params.workflowId, runId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      await recordAudit(db, {
        action: 'admin.workflow-archive-requested',
        actor: auditActor(user),
        ip: req.ip ?? null,
        target: `workflow:${params.workflowId}`,
        details: { runId },
      });
      return { workflowId: params.workflowId, archiverWorkflowId };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/admin/workflows/:workflowId/replay',
    summary: '以当前代码重放工作流历史，判断能否完全复现',
    tags: ['admin'],
    roles: ['admin'],
    params: workflowIdParam,
    response: {
      status: 200,
      description: 'reproduces: true, or where today’s code diverges',
      schema: z.object({
        workflowId: z.string(),
        source: z.enum(['temporal', 'archive']),
        reproduces: z.boolean(),
        error: z.string().optional(),
        divergence: z.string().optional(),
      }),
    },
    errors: {
      404: 'neither Temporal nor the archive has it, or it is another agency’s case (a workflow with no case: platform admins only)',
    },
    handler: async ({ params, user }) => {
      const history = await requireHistory(params.workflowId, user!);
      try {
        const { code } = await workflowBundle();
        // Encrypted histories replay with the same keys the workers use.
        await Worker.runReplayHistory(
          { workflowBundle: { code }, ...(deps.codec ? { dataConverter: { payloadCodecs: [deps.codec] } } : {}) },
          historyFromJSON(JSON.parse(history.json)),
          params.workflowId,
        );
        return { workflowId: params.workflowId, source: history.source, reproduces: true };
      } catch (error) {
        const err = error as Error;
        return { workflowId: params.workflowId, source: history.source, reproduces: false, error: err.name, divergence: err.message };
      }
    },
  });

  routes.add({
    method: 'get',
    path: '/api/admin/applications/:caseNo/evidence',
    summary: '案件证据材料：中文办理经过、文书、事件日志、工作流历史及摘要清单（SHA-256，国密模式 SM3；HTML 或 zip）',
    tags: ['admin'],
    roles: ['admin'],
    params: z.object({ caseNo: z.string().regex(CASE_NUMBER, 'must look like demo-2026-000123') }),
    query: z.object({ format: z.enum(['html', 'zip', 'json']).default('html') }),
    response: { status: 200, description: 'text/html, application/zip, or the manifest as JSON', schema: z.unknown() },
    errors: { 404: 'no such case in your agency' },
    handler: async ({ params, query, res, user, req }) => {
      const workflowId = `application-${params.caseNo}`;
      const history = await loadHistory(db, temporal, workflowId, user!);
      const bundle = await buildEvidenceBundle(
        db,
        user!.agencyCode,
        params.caseNo,
        history ?? { source: 'archive', json: '{"events":[]}' },
        undefined,
        new FileStore({ codec: deps.codec ?? null }),
      );
      if (!bundle) throw new ApiError(404, 'not_found', `application ${params.caseNo} not found`);
      res.setHeader(`X-Manifest-${bundle.digestAlgorithm.toUpperCase()}`, bundle.manifestDigest); // X-Manifest-SHA256, or X-Manifest-SM3 in GM mode
      // The bundle's case.json carries the applicant in full; its timeline and notices some of it.
      const applicant = (JSON.parse(bundle.files.find((f) => f.path === 'case.json')!.content as string) as ApplicationState).intake
        .applicant;
      const readFrom = async (texts: string[]) =>
        recordPersonalDataRead(db, {
          user: user!,
          req,
          caseNo: params.caseNo,
          fields: contactFieldsIn(applicant, texts),
          via: `evidence-${query.format}`,
        });
      if (query.format === 'zip') {
        await readFrom(bundle.files.flatMap((f) => (typeof f.content === 'string' ? [f.content] : []))); // a PDF prints what its notice's HTML does
        res
          .type('application/zip')
          .attachment(`evidence-${params.caseNo}.zip`)
          .send(Buffer.from(zipBundle(bundle)));
        return '';
      }
      if (query.format === 'json') {
        return {
          caseNo: bundle.caseNo,
          generatedAt: bundle.generatedAt,
          historySource: bundle.historySource,
          algorithm: bundle.digestAlgorithm,
          manifest: bundle.manifest,
          manifestDigest: `${bundle.digestAlgorithm}:${bundle.manifestDigest}`,
        };
      }
      const timeline = bundle.files.find((f) => f.path === 'timeline.html')!.content as string;
      const manifestRows = bundle.manifest
        .map((m) => `<tr><td>${m.path}</td><td>${m.bytes}</td><td class="hash">${m[bundle.digestAlgorithm]}</td></tr>`)
        .join('');
      const digestName = digestAlgorithmLabel(bundle.digestAlgorithm);
      await readFrom([timeline]);
      res
        .type('html')
        .send(
          timeline.replace(
            '</body></html>',
            `<h2>四、文件清单（${digestName}）</h2><table><thead><tr><th>文件</th><th>字节</th><th>${digestName}</th></tr></thead><tbody>${manifestRows}</tbody></table><p>清单 manifest.json 的 ${digestName}：<span class="hash">${bundle.manifestDigest}</span></p></body></html>`,
          ),
        );
      return '';
    },
  });
}

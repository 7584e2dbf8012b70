/**
 * The evidence bundle of an application for a reconsideration or court hearing: a Chinese
 * timeline of everything that happened (with every due date's derivation), the notices
 * themselves, the event log, the raw Temporal history, and a manifest of digests over all of it:
 * SHA-256, or SM3 under GONGKAI_CRYPTO=gm. The manifest names its algorithm (`algorithm`, and
 * each file's digest under the algorithm's name: `sha256` or `sm3`). The case's attachments
 * (application and correction materials, the reply's files, evidence of disputes over the case)
 * are in it under `files/`, each with the SHA-256 it is stored under (`recordedSha256`).
 */
import { strToU8, zipSync } from 'fflate';
import type { Kysely } from 'kysely';
import { escapeHtml as e } from '../activities/notices';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { type ApplicationState, CHANNELS, STAGES } from '../domain/application/types';
import { OUTCOMES } from '../domain/outcomes';
import { currentDigestAlgorithm, type DigestAlgorithm, digestHex } from '../db/crypto';
import type { Database } from '../db/schema';
import { caseDocumentPdf } from '../activities/notice-pdf';
import { type CaseFile, FILE_PURPOSE_LABELS, FileStore, listCaseFiles } from '../db/files/store';

export interface BundleFile {
  path: string;
  /** Text (UTF-8 in the zip), or bytes (the notices' PDFs). */
  content: string | Uint8Array;
}

export interface EvidenceBundle {
  caseNo: string;
  generatedAt: string;
  historySource: 'temporal' | 'archive';
  files: BundleFile[];
  /** The digest algorithm of the manifest (GONGKAI_CRYPTO: SHA-256, or SM3 in GM mode). */
  digestAlgorithm: DigestAlgorithm;
  /** Each file's digest, hex, under the algorithm's name (`sha256` or `sm3`). */
  manifest: ManifestEntry[];
  /** Digest of manifest.json (hex, same algorithm): one number that pins the whole bundle. */
  manifestDigest: string;
}

export type ManifestEntry = { path: string; bytes: number } & Partial<Record<DigestAlgorithm, string>> & {
    /** A notice's PDF: the SHA-256 recorded with the case's document when it was issued; an attachment: the SHA-256 it is stored under (whatever the manifest's algorithm). */
    recordedSha256?: string;
  };

/** Where an attachment sits in the bundle: `files/<purpose>/<id>-<name>` (a dispute's evidence under its number). */
const bundlePathOf = (file: CaseFile) =>
  `files/${file.caseKind === 'dispute' ? `${file.caseNo}/` : ''}${file.purpose}/${file.id}-${file.filename}`;

/** How a bundle names its digest algorithm to people: SHA-256, SM3. */
export const digestAlgorithmLabel = (algorithm: DigestAlgorithm): string => (algorithm === 'sm3' ? 'SM3' : 'SHA-256');

const EVENT_LABELS: Record<string, string> = {
  submitted: '登记申请',
  'receipt-confirmed': '确认收到申请',
  'correction-requested': '告知补正',
  'correction-received': '收到补正材料',
  accepted: '受理',
  assigned: '交办承办科室',
  reassigned: '改交承办科室',
  proposed: '承办科室提出答复意见',
  'secrecy-reviewed': '保密审查',
  'secrecy-escalation-answered': '保密工作部门答复',
  'secrecy-escalation-extended': '保密工作部门延长答复期限',
  decided: '拟定答复',
  signed: '签发',
  delivered: '送达',
  closed: '办结归档',
  'consultation-started': '发出征求意见函',
  'consultation-answered': '收到征求意见答复',
  'consultation-expired': '征求意见期限届满',
  suspended: '中止办理',
  resumed: '恢复办理',
  'fee-notice-issued': '发出收费通知',
  'fee-paid': '缴纳费用',
  'extension-requested': '申请延期答复',
  'extension-approved': '批准延期答复',
  withdrawn: '申请人撤回申请',
  abandoned: '视为放弃申请',
  'clock-reminder': '期限提醒',
  'clock-overdue': '逾期督办',
  'clocks-recomputed': '工作日历变更，重新推算期限',
};

function shanghaiTime(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return `${shanghaiDateOf(ms)} ${new Date(ms + 8 * 3_600_000).toISOString().slice(11, 19)}`;
}

function describePayload(payload: Record<string, unknown>): string {
  const shown = Object.entries(payload).filter(([key]) => key !== 'actor' && key !== 'computation');
  return shown.map(([key, value]) => `${e(key)}：${e(typeof value === 'string' ? value : JSON.stringify(value))}`).join('；');
}

function timelineHtml(input: {
  caseNo: string;
  state: ApplicationState;
  events: Array<{ seq: number; type: string; actor_username: string; actor_role: string; occurred_at: Date; payload: unknown }>;
  documents: Array<{ doc_no: string; title: string; issued_on: string; sha256: string; event_seq: number }>;
  attachments: CaseFile[];
  generatedAt: string;
  historySource: string;
  digestAlgorithm: DigestAlgorithm;
}): string {
  const { state } = input;
  const outcome = state.outcome ? OUTCOMES[state.outcome].label : '（未办结）';
  const rows = input.events
    .map((ev) => {
      const payload = (ev.payload ?? {}) as Record<string, unknown>;
      const actor = (payload.actor as { displayName?: string } | undefined)?.displayName ?? ev.actor_username;
      const doc = input.documents.find((d) => d.event_seq === ev.seq);
      return `<tr><td>${ev.seq}</td><td>${shanghaiTime(ev.occurred_at)}</td><td>${e(EVENT_LABELS[ev.type] ?? ev.type)}</td><td>${e(actor)}（${e(ev.actor_role)}）</td><td>${describePayload(payload)}${doc ? `<br>文书：${e(doc.doc_no)}` : ''}</td></tr>`;
    })
    .join('\n');
  const clocks = state.clocks
    .map((c) => {
      const steps = (c.derived?.steps ?? []).map((s) => `<li>${e(s.explanation)}${s.due ? ` → 期限 ${s.due}` : ''}</li>`).join('');
      return `<h3>${e(c.label)}${c.statutory ? '（法定期限）' : '（内部期限）'}</h3><p>依据：${e(c.rule)}；日历版本：${e(c.derived?.calendarVersion ?? '—')}；当前期限：${e(c.derived?.due ?? '—')}</p><ol>${steps}</ol>`;
    })
    .join('\n');
  const docs = input.documents
    .map((d) => `<tr><td>${e(d.doc_no)}</td><td>${e(d.title)}</td><td>${d.issued_on}</td><td class="hash">${d.sha256}</td></tr>`)
    .join('\n');
  const attachments = input.attachments
    .map(
      (f) =>
        `<tr><td>${e(FILE_PURPOSE_LABELS[f.purpose])}${f.caseKind === 'dispute' ? `（${e(f.caseNo)}）` : ''}</td><td>${e(f.filename)}</td><td>${e(f.mediaType)}，${f.size} 字节</td><td>${e(f.uploadedBy)}，${shanghaiTime(f.uploadedAt)}</td><td>${f.deliveredAt ? `已送达申请人 ${shanghaiTime(f.deliveredAt)}` : '—'}</td><td class="hash">${f.sha256}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>案件证据材料 ${e(input.caseNo)}</title>
<style>
@page { size: A4; margin: 18mm; }
body { font-family: "SimSun", "Songti SC", serif; font-size: 11pt; }
h1 { text-align: center; font-size: 18pt; } h2 { font-size: 14pt; border-bottom: 1px solid #000; } h3 { font-size: 12pt; margin-bottom: 2pt; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #555; padding: 2pt 4pt; vertical-align: top; }
.hash { font-family: monospace; font-size: 8pt; word-break: break-all; }
</style></head><body>
<h1>政府信息公开申请案件证据材料</h1>
<p>案件编号：${e(input.caseNo)}；申请人：${e(state.intake.applicant.name)}；提交方式：${e(CHANNELS[state.intake.channel])}；收到申请日期：${e(state.receivedOn ?? '—')}</p>
<p>当前状态：${e(STAGES[state.stage])}；办理结果：${e(outcome)}；适用规则：${e(state.ruleProfile.id)}@${e(state.ruleProfile.version)}</p>
<p>所申请信息：${e(state.intake.description)}</p>
<h2>一、办理经过</h2>
<table><thead><tr><th>序号</th><th>时间（北京时间）</th><th>事项</th><th>经办人</th><th>内容</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>二、期限及其推算</h2>
<p>期限均以工作日计算，起算日当日不计入，自次日起算；期限届满日为最后一个工作日的24时。</p>
${clocks}
<h2>三、出具的文书</h2>
<table><thead><tr><th>文号</th><th>名称</th><th>日期</th><th>SHA-256</th></tr></thead><tbody>
${docs}
</tbody></table>
<h2>四、附件</h2>
<table><thead><tr><th>类别</th><th>文件名</th><th>类型</th><th>上传</th><th>送达</th><th>SHA-256</th></tr></thead><tbody>
${attachments}
</tbody></table>
<p>本材料生成于 ${e(shanghaiTime(input.generatedAt))}；工作流历史来源：${input.historySource === 'archive' ? '数据库归档' : 'Temporal'}。各文件的 ${digestAlgorithmLabel(input.digestAlgorithm)} 摘要见 manifest.json。</p>
</body></html>
`;
}

/** The bundle of the agency's case `caseNo`; null when the agency has no such case (another agency's included). */
export async function buildEvidenceBundle(
  db: Kysely<Database>,
  agencyCode: string,
  caseNo: string,
  history: { source: 'temporal' | 'archive'; json: string },
  algorithm: DigestAlgorithm = currentDigestAlgorithm(),
  /** Opens the attachments (sealed ones need the codec's keys). */
  fileStore: FileStore = new FileStore({ codec: null }),
): Promise<EvidenceBundle | null> {
  const row = await db
    .selectFrom('applications')
    .select(['state'])
    .where('agency_code', '=', agencyCode)
    .where('case_no', '=', caseNo)
    .executeTakeFirst();
  if (!row) return null;
  const [events, documents] = await Promise.all([
    db
      .selectFrom('case_events')
      .select(['seq', 'type', 'actor_username', 'actor_role', 'occurred_at', 'payload', 'recorded_at'])
      .where('case_no', '=', caseNo)
      .orderBy('seq')
      .execute(),
    db
      .selectFrom('case_documents')
      .select(['doc_no', 'kind', 'title', 'issued_on', 'html', 'sha256', 'event_seq', 'pdf', 'pdf_sha256'])
      .where('case_no', '=', caseNo)
      .orderBy('id')
      .execute(),
  ]);
  const disputes = await db
    .selectFrom('disputes')
    .select('dispute_no')
    .where('agency_code', '=', agencyCode)
    .where('case_no', '=', caseNo)
    .orderBy('dispute_no')
    .execute();
  const attachments = [
    ...(await listCaseFiles(db, 'application', caseNo)),
    ...(await Promise.all(disputes.map((d) => listCaseFiles(db, 'dispute', d.dispute_no)))).flat(),
  ];
  const state = row.state as ApplicationState;
  const generatedAt = new Date().toISOString();
  const files: BundleFile[] = [
    {
      path: 'timeline.html',
      content: timelineHtml({
        caseNo,
        state,
        events,
        documents,
        attachments,
        generatedAt,
        historySource: history.source,
        digestAlgorithm: algorithm,
      }),
    },
    { path: 'case.json', content: JSON.stringify(state, null, 2) },
    { path: 'events.json', content: JSON.stringify(events, null, 2) },
    { path: 'history.json', content: history.json },
    ...documents.map((d) => ({ path: `notices/${d.doc_no}.html`, content: d.html })),
  ];
  // Each notice's PDF: the one stored at issue, or for an older notice rendered now from its HTML.
  const recorded = new Map<string, string>();
  for (const d of documents) {
    const pdf = await caseDocumentPdf(d);
    if (!pdf) continue;
    files.push({ path: `notices/${d.doc_no}.pdf`, content: new Uint8Array(pdf) });
    if (d.pdf_sha256) recorded.set(`notices/${d.doc_no}.pdf`, d.pdf_sha256);
  }
  for (const file of attachments) {
    const content = await fileStore.read(db, file.sha256);
    if (!content) throw new Error(`attachment ${file.id} of ${file.caseNo}: stored file ${file.sha256} is missing`);
    files.push({ path: bundlePathOf(file), content: new Uint8Array(content.bytes) });
    recorded.set(bundlePathOf(file), file.sha256);
  }
  const manifest = files.map((f): ManifestEntry => {
    const bytes = typeof f.content === 'string' ? strToU8(f.content) : f.content;
    const stored = recorded.get(f.path);
    return { path: f.path, [algorithm]: digestHex(algorithm, bytes), bytes: bytes.length, ...(stored ? { recordedSha256: stored } : {}) };
  });
  const manifestJson = JSON.stringify({ caseNo, generatedAt, algorithm, files: manifest }, null, 2);
  return {
    caseNo,
    generatedAt,
    historySource: history.source,
    files: [...files, { path: 'manifest.json', content: manifestJson }],
    digestAlgorithm: algorithm,
    manifest,
    manifestDigest: digestHex(algorithm, manifestJson),
  };
}

export function zipBundle(bundle: EvidenceBundle): Uint8Array {
  return zipSync(
    Object.fromEntries(
      bundle.files.map((f) => [`${bundle.caseNo}/${f.path}`, typeof f.content === 'string' ? strToU8(f.content) : f.content]),
    ),
    { level: 6 },
  );
}

/** 案件: applications and disputes, with the open ones first; each links to its case page. */
import { useState } from 'preact/hooks';
import { api, type ApplicationListItem, type Me, type OpenApiDocument } from '../api';
import { usePolling } from '../hooks';
import { departmentName } from '../departments';
import { kindSpec } from '../kinds';
import { mayCall } from '../openapi';
import { CASE_STATUS_LABELS, enumLabel } from '../labels';
import { Link } from '../router';

interface DisputeListItem {
  disputeNo: string;
  caseNo: string;
  kindLabel: string;
  body: string;
  stage: string;
  status: string;
  receivedOn: string;
  defenceDue: string | null;
}

export function CaseList({ me, doc }: { me: Me; doc: OpenApiDocument }) {
  const canFile = (kind: string) => mayCall(doc.paths[kindSpec(kind).collection]?.post, me.role);
  const [status, setStatus] = useState('open');
  const applications = usePolling(() => api.applications({ status }), `applications|${status}`, 10_000);
  const disputes = usePolling(
    () => api.list<DisputeListItem>(`/api/disputes${status ? `?status=${status}` : ''}`),
    `disputes|${status}`,
    10_000,
  );

  return (
    <section class="page cases">
      <header class="page-header">
        <h1>案件</h1>
        <label>
          状态
          <select name="status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}>
            <option value="open">在办</option>
            <option value="closed">已办结</option>
            <option value="">全部</option>
          </select>
        </label>
      </header>
      <div class="panel">
        <h2>
          依申请公开（{applications.data?.total ?? '…'}）
          {canFile('application') && (
            <Link href="/intake/application" class="small">
              登记申请
            </Link>
          )}
        </h2>
        {applications.error && <p class="form-error">{applications.error}</p>}
        <table>
          <thead>
            <tr>
              <th>案号</th>
              <th>申请人</th>
              <th>申请方式</th>
              <th>办理环节</th>
              <th>收到日期</th>
              <th>答复期限</th>
              <th>承办科室</th>
              <th>状态</th>
            </tr>
          </thead>
          <tbody>
            {applications.data?.items.map((a: ApplicationListItem) => (
              <tr key={a.caseNo} data-case={a.caseNo}>
                <td>
                  <Link href={`/cases/application/${a.caseNo}`}>{a.caseNo}</Link>
                </td>
                <td>{a.applicantName}</td>
                <td>{enumLabel('channel', a.channel)}</td>
                <td>{a.stageLabel}</td>
                <td>{a.receivedOn ?? '待确认'}</td>
                <td>{a.replyDue ?? '—'}</td>
                <td>{departmentName(a.departmentCode, '未交办')}</td>
                <td>{a.paused ? '暂停计时' : (CASE_STATUS_LABELS[a.status] ?? a.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="panel">
        <h2>
          行政复议/诉讼（{disputes.data?.total ?? '…'}）
          {canFile('dispute') && (
            <Link href="/intake/dispute" class="small">
              登记复议申请书或起诉状
            </Link>
          )}
        </h2>
        {disputes.error && <p class="form-error">{disputes.error}</p>}
        <table>
          <thead>
            <tr>
              <th>编号</th>
              <th>类别</th>
              <th>原申请</th>
              <th>复议机关或法院</th>
              <th>收到日期</th>
              <th>答辩期限</th>
              <th>状态</th>
            </tr>
          </thead>
          <tbody>
            {disputes.data?.items.map((d) => (
              <tr key={d.disputeNo}>
                <td>
                  <Link href={`/cases/dispute/${d.disputeNo}`}>{d.disputeNo}</Link>
                </td>
                <td>{d.kindLabel}</td>
                <td>
                  <Link href={`/cases/application/${d.caseNo}`}>{d.caseNo}</Link>
                </td>
                <td>{d.body}</td>
                <td>{d.receivedOn}</td>
                <td>{d.defenceDue ?? '—'}</td>
                <td>{CASE_STATUS_LABELS[d.status] ?? d.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {GENERIC_KINDS.filter((kind) => mayCall(doc.paths[kindSpec(kind).collection]?.get, me.role)).map((kind) => (
        <KindTable key={kind} kind={kind} status={status} canFile={canFile(kind)} />
      ))}
    </section>
  );
}

/** Kinds listed by the generic table (applications and disputes have their own above). */
const GENERIC_KINDS = ['document', 'incident', 'message'];

function KindTable({ kind, status, canFile }: { kind: string; status: string; canFile: boolean }) {
  const spec = kindSpec(kind);
  const list = usePolling(() => api.list<Record<string, unknown>>(spec.collection), `list|${kind}`, 10_000);
  const items = (list.data?.items ?? []).filter((item) => !status || item.status === status);
  return (
    <div class="panel" data-kind={kind}>
      <h2>
        {spec.label}（{list.data ? items.length : '…'}）
        {canFile && (
          <Link href={`/intake/${kind}`} class="small">
            {spec.intakeTitle}
          </Link>
        )}
      </h2>
      {list.error && <p class="form-error">{list.error}</p>}
      <table>
        <thead>
          <tr>
            <th>编号</th>
            <th>事项</th>
            <th>办理环节</th>
            <th>期限</th>
            <th>状态</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const row = spec.row(item);
            return (
              <tr key={row.ref} class={item.overdue === true ? 'urgency-overdue' : ''}>
                <td>
                  <Link href={`/cases/${kind}/${row.ref}`}>{row.ref}</Link>
                </td>
                <td>{row.title}</td>
                <td>{String(item.stageLabel ?? item.stage ?? '—')}</td>
                <td>{row.due}</td>
                <td>{item.overdue === true ? '已逾期' : (CASE_STATUS_LABELS[String(item.status)] ?? String(item.status ?? '—'))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

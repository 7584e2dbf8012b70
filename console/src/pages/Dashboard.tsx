/**
 * 督办看板: counts by urgency and by department, and every open clock of every kind of case,
 * coloured by urgency and filtered by department, kind and urgency; refreshed every 5 seconds.
 */
import { useState } from 'preact/hooks';
import { api, type UrgencyCounts } from '../api';
import { ClockTable } from '../components/ClockTable';
import { Pager } from '../components/Pager';
import { usePolling } from '../hooks';
import { KIND_CODES } from '../kinds';
import { formatDateTime, kindLabel, URGENCY_LABELS } from '../labels';

const REFRESH_MS = 5000;
const PAGE_SIZE = 50;
const CARDS: Array<{ key: keyof UrgencyCounts; urgency: keyof typeof URGENCY_LABELS }> = [
  { key: 'overdue', urgency: 'overdue' },
  { key: 'dueSoon', urgency: 'due-soon' },
  { key: 'running', urgency: 'running' },
  { key: 'paused', urgency: 'paused' },
];
/** The department filter's value for clocks of cases not yet handed to a department. */
const NO_DEPARTMENT = '';

/** The page's title with when it was last refreshed. */
function LiveHeader({ title, refreshedAt }: { title: string; refreshedAt: Date | null | undefined }) {
  return (
    <header class="page-header">
      <h1>{title}</h1>
      <span class="muted live" aria-live="polite">
        每5秒自动刷新 · 最后更新 {refreshedAt ? refreshedAt.toLocaleTimeString('zh-CN', { hour12: false }) : '—'}
      </span>
    </header>
  );
}

/** A row's four counts, overdue and due-soon coloured when not zero. */
function CountCells({ counts }: { counts: UrgencyCounts }) {
  return (
    <>
      <td class={counts.overdue > 0 ? 'count overdue' : 'count'}>{counts.overdue}</td>
      <td class={counts.dueSoon > 0 ? 'count due-soon' : 'count'}>{counts.dueSoon}</td>
      <td class="count">{counts.running}</td>
      <td class="count">{counts.paused}</td>
    </>
  );
}

/** One card per urgency with its count; a card chooses that urgency (`toggle`: a second click clears it). */
function UrgencyCards(props: { totals: UrgencyCounts | undefined; status: string; choose: (urgency: string) => void; toggle: boolean }) {
  return (
    <div class="cards">
      {CARDS.map(({ key, urgency }) => (
        <button
          key={key}
          type="button"
          class={`card urgency-${urgency}${props.status === urgency ? ' selected' : ''}`}
          onClick={() => props.choose(props.toggle && props.status === urgency ? '' : urgency)}
          title={props.toggle ? '按此紧急程度筛选' : '按此紧急程度列出'}
        >
          <span class="card-count">{props.totals ? props.totals[key] : '…'}</span>
          <span class="card-label">{URGENCY_LABELS[urgency]}</span>
        </button>
      ))}
    </div>
  );
}

export function Dashboard() {
  const [status, setStatus] = useState('');
  const [department, setDepartment] = useState(NO_DEPARTMENT);
  const [kind, setKind] = useState('');
  const [offset, setOffset] = useState(0);
  // Any change of filter starts again from the first page.
  const filter = (set: (value: string) => void) => (value: string) => {
    set(value);
    setOffset(0);
  };
  const chooseStatus = filter(setStatus);
  const chooseDepartment = filter(setDepartment);
  const chooseKind = filter(setKind);
  const summary = usePolling(() => api.supervisionSummary(), 'summary', REFRESH_MS);
  const clocks = usePolling(
    () => api.supervisionClocks({ status, department, kind, limit: PAGE_SIZE, offset }),
    `${status}|${department}|${kind}|${offset}`,
    REFRESH_MS,
  );
  const total = clocks.data?.total ?? 0;
  const departments = (summary.data?.byDepartment ?? []).filter((d) => d.departmentCode !== null);

  return (
    <section class="page dashboard">
      <LiveHeader title="督办看板" refreshedAt={clocks.refreshedAt} />
      {(summary.error ?? clocks.error) && <p class="form-error">加载失败：{summary.error ?? clocks.error}</p>}

      <UrgencyCards totals={summary.data?.totals} status={status} choose={chooseStatus} toggle />

      <div class="columns">
        <div class="panel">
          <h2>各科室期限</h2>
          <table class="departments">
            <thead>
              <tr>
                <th>科室</th>
                <th>已逾期</th>
                <th>即将到期</th>
                <th>正常计时</th>
                <th>暂停</th>
              </tr>
            </thead>
            <tbody>
              {(summary.data?.byDepartment ?? []).map((d) => (
                <tr key={d.departmentCode ?? '-'} class={d.departmentCode !== null && department === d.departmentCode ? 'selected' : ''}>
                  <td>
                    {d.departmentCode === null ? (
                      '未交办（公开办）'
                    ) : (
                      <button
                        type="button"
                        class="link"
                        onClick={() => chooseDepartment(department === d.departmentCode ? NO_DEPARTMENT : d.departmentCode!)}
                      >
                        {d.departmentName ?? d.departmentCode}
                      </button>
                    )}
                  </td>
                  <CountCells counts={d} />
                </tr>
              ))}
            </tbody>
          </table>
          {summary.data && <p class="muted small">统计时间 {formatDateTime(summary.data.generatedAt)}</p>}
        </div>

        <div class="panel grow">
          <div class="filters">
            <label>
              科室
              <select name="department" value={department} onChange={(e) => chooseDepartment((e.currentTarget as HTMLSelectElement).value)}>
                <option value={NO_DEPARTMENT}>全部科室</option>
                {departments.map((d) => (
                  <option key={d.departmentCode!} value={d.departmentCode!}>
                    {d.departmentName ?? d.departmentCode}
                  </option>
                ))}
              </select>
            </label>
            <label>
              类别
              <select name="kind" value={kind} onChange={(e) => chooseKind((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">全部类别</option>
                {KIND_CODES.map((code) => (
                  <option key={code} value={code}>
                    {kindLabel(code)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              紧急程度
              <select name="status" value={status} onChange={(e) => chooseStatus((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">全部</option>
                {CARDS.map(({ urgency }) => (
                  <option key={urgency} value={urgency}>
                    {URGENCY_LABELS[urgency]}
                  </option>
                ))}
              </select>
            </label>
            <span class="muted">{clocks.data ? `共 ${clocks.data.total} 项` : '加载中…'}</span>
          </div>
          {clocks.data && <ClockTable items={clocks.data.items} />}
          <Pager offset={offset} total={total} pageSize={PAGE_SIZE} onOffset={setOffset} />
        </div>
      </div>
    </section>
  );
}

/**
 * 全市督办 (the platform's supervisor): each agency's counts by urgency, and the clocks of one
 * urgency (overdue first) across agencies, each naming its agency; a click on an agency filters
 * the table to it. Only the viewer's own agency's cases link to their case page (another's
 * answers them 404, as to anyone outside it). Refreshed every 5 seconds.
 */
export function PlatformDashboard({ ownAgency }: { ownAgency?: string | undefined }) {
  const [status, setStatus] = useState('overdue');
  const [agency, setAgency] = useState('');
  const [offset, setOffset] = useState(0);
  const choose = (set: (value: string) => void) => (value: string) => {
    set(value);
    setOffset(0);
  };
  const chooseStatus = choose(setStatus);
  const chooseAgency = choose(setAgency);
  const view = usePolling(
    () => api.platformSupervision({ status, agency, limit: PAGE_SIZE, offset }),
    `${status}|${agency}|${offset}`,
    REFRESH_MS,
  );
  const total = view.data?.clocks.total ?? 0;

  return (
    <section class="page dashboard platform">
      <LiveHeader title="全市督办" refreshedAt={view.refreshedAt} />
      {view.error && <p class="form-error">加载失败：{view.error}</p>}

      <UrgencyCards totals={view.data?.totals} status={status} choose={chooseStatus} toggle={false} />

      <div class="columns">
        <div class="panel">
          <h2>各机关期限</h2>
          <table class="departments agencies">
            <thead>
              <tr>
                <th>机关</th>
                <th>已逾期</th>
                <th>即将到期</th>
                <th>正常计时</th>
                <th>暂停</th>
              </tr>
            </thead>
            <tbody>
              {(view.data?.byAgency ?? []).map((a) => (
                <tr key={a.agencyCode} data-agency={a.agencyCode} class={agency === a.agencyCode ? 'selected' : ''}>
                  <td>
                    <button type="button" class="link" onClick={() => chooseAgency(agency === a.agencyCode ? '' : a.agencyCode)}>
                      {a.agencyName}
                    </button>
                  </td>
                  <CountCells counts={a} />
                </tr>
              ))}
            </tbody>
          </table>
          {view.data && <p class="muted small">统计时间 {formatDateTime(view.data.generatedAt)}</p>}
        </div>

        <div class="panel grow">
          <div class="filters">
            <label>
              机关
              <select name="agency" value={agency} onChange={(e) => chooseAgency((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">全部机关</option>
                {(view.data?.byAgency ?? []).map((a) => (
                  <option key={a.agencyCode} value={a.agencyCode}>
                    {a.agencyName}
                  </option>
                ))}
              </select>
            </label>
            <label>
              紧急程度
              <select name="status" value={status} onChange={(e) => chooseStatus((e.currentTarget as HTMLSelectElement).value)}>
                {CARDS.map(({ urgency }) => (
                  <option key={urgency} value={urgency}>
                    {URGENCY_LABELS[urgency]}
                  </option>
                ))}
              </select>
            </label>
            <span class="muted">{view.data ? `共 ${total} 项` : '加载中…'}</span>
          </div>
          {view.data && <ClockTable items={view.data.clocks.items} withAgency ownAgency={ownAgency} />}
          <Pager offset={offset} total={total} pageSize={PAGE_SIZE} onOffset={setOffset} />
        </div>
      </div>
    </section>
  );
}

/**
 * 安全审计日志 (admins): sign-ins and their failures, lockouts, sign-outs, administrators'
 * changes, API-key use and every read of an applicant's personal data, filtered by time
 * (Beijing dates), user, action and object (a case number finds that case's rows), newest
 * first, a page at a time; the same filter downloads as CSV for Excel. An agency's admin sees
 * their agency's rows; a platform admin every agency's, with an agency filter and column.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { formatDateTime, roleLabel } from '../labels';

interface AuditItem {
  id: string;
  at: string;
  action: string;
  actionLabel: string;
  actor: { username: string; role: string | null } | null;
  ip: string | null;
  target: string | null;
  details: Record<string, unknown>;
  /** The agency the row concerns; null: the platform's own, or an unknown caller's. */
  agency?: string | null;
}

interface AuditPage {
  items: AuditItem[];
  total: number;
  page: number;
  pageSize: number;
  actions: Record<string, string>;
}

interface Filter {
  from: string;
  to: string;
  actor: string;
  action: string;
  target: string;
  agency: string;
}

const EMPTY: Filter = { from: '', to: '', actor: '', action: '', target: '', agency: '' };
const PAGE_SIZE = 50;

/** Areas an admin can pick as a whole (`auth` is every `auth.*`). */
const AREAS: Record<string, string> = {
  auth: '登录与会话（全部）',
  'api-key': 'API 密钥（全部）',
  admin: '系统管理（全部）',
  'personal-data': '个人信息查看（全部）',
  audit: '审计日志（全部）',
};

function search(filter: Filter, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) if (value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The details an auditor reads first; the rest as compact JSON. */
function detailsText(item: AuditItem): string {
  const d = item.details;
  if (item.action === 'personal-data.read') {
    const fields = Array.isArray(d.fields) ? (d.fields as string[]).map((f) => FIELD_LABELS[f] ?? f).join('、') : '';
    const via = typeof d.via === 'string' ? (d.via.startsWith('step:') ? `办理步骤 ${d.via.slice(5)}` : (VIA_LABELS[d.via] ?? d.via)) : '';
    return `${fields}（${via}${typeof d.document === 'string' ? ` ${d.document}` : ''}）`;
  }
  const text = JSON.stringify(d);
  return text === '{}' ? '' : text;
}

const FIELD_LABELS: Record<string, string> = { idNumber: '证件号码', phone: '电话', email: '电子邮箱', address: '地址' };
const VIA_LABELS: Record<string, string> = {
  case: '案件详情',
  document: '文书',
  'evidence-zip': '证据材料 zip',
  'evidence-html': '证据材料',
  'evidence-json': '证据清单',
};

export function Audit({ platform = false }: { platform?: boolean }) {
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<AuditPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    api
      .call<AuditPage>('GET', `/api/admin/audit${search(filter, { page, pageSize: PAGE_SIZE })}`)
      .then((answer) => current && setData(answer))
      .catch((failure: unknown) => {
        if (!current) return;
        const details =
          failure instanceof ApiError && failure.details.length > 0 ? `：${failure.details.map((d) => d.field).join('、')}` : '';
        setError(`${failure instanceof Error ? failure.message : String(failure)}${details}`);
      })
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [filter, page]);

  const set = (key: keyof Filter) => (event: Event) => setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value });
  const apply = (event: Event) => {
    event.preventDefault();
    setPage(1);
    setFilter(draft);
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const actions = data?.actions ?? {};

  return (
    <section class="page audit">
      <header class="page-header">
        <h1>安全审计日志</h1>
        <span class="muted small">只增不改；保存期不少于 180 天（网络安全法第二十一条）</span>
      </header>
      <form class="panel filters audit-filters" onSubmit={apply}>
        <label>
          自
          <input type="date" name="from" value={draft.from} onInput={set('from')} />
        </label>
        <label>
          至
          <input type="date" name="to" value={draft.to} onInput={set('to')} />
        </label>
        <label>
          用户
          <input name="actor" placeholder="用户名" value={draft.actor} onInput={set('actor')} />
        </label>
        <label>
          操作
          <select name="action" value={draft.action} onChange={set('action')}>
            <option value="">全部</option>
            {Object.entries(AREAS).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
            {Object.entries(actions).map(([code, label]) => (
              <option key={code} value={code}>
                {label}（{code}）
              </option>
            ))}
          </select>
        </label>
        <label>
          对象
          <input name="target" placeholder="案件编号、user:用户名…" value={draft.target} onInput={set('target')} />
        </label>
        {platform && (
          <label>
            机关
            <input name="agency" placeholder="机关代码（空：全平台）" value={draft.agency} onInput={set('agency')} />
          </label>
        )}
        <button type="submit" class="primary">
          查询
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(EMPTY);
            setPage(1);
            setFilter(EMPTY);
          }}
        >
          清除
        </button>
        <a class="csv-download" href={`/api/admin/audit.csv${search(filter)}`} download>
          导出 CSV
        </a>
      </form>
      <div class="panel">
        {error && <p class="form-error">{error}</p>}
        <p class="muted small">
          {data ? `共 ${data.total} 条，第 ${data.page} / ${pages} 页` : '…'}
          {loading && '（加载中）'}
        </p>
        <table class="audit-log">
          <thead>
            <tr>
              <th>时间</th>
              {platform && <th>机关</th>}
              <th>操作</th>
              <th>用户</th>
              <th>IP 地址</th>
              <th>对象</th>
              <th>详情</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((item) => (
              <tr key={item.id} data-action={item.action}>
                <td>{formatDateTime(item.at)}</td>
                {platform && <td data-agency={item.agency ?? ''}>{item.agency ?? '平台'}</td>}
                <td title={item.action}>{item.actionLabel || item.action}</td>
                <td>{item.actor ? `${item.actor.username}${item.actor.role ? `（${roleLabel(item.actor.role)}）` : ''}` : '—'}</td>
                <td>{item.ip ?? '—'}</td>
                <td>{item.target ?? '—'}</td>
                <td class="details">{detailsText(item)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.items.length === 0 && <p class="muted empty">没有符合条件的记录。</p>}
        <div class="buttons">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            上一页
          </button>
          <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            下一页
          </button>
        </div>
      </div>
    </section>
  );
}

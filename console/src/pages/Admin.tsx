/**
 * 系统管理 (admins): their own agency's settings, departments (name, 索引号 number, head), users
 * (create with a temporary password shown once, role, department, 科室负责人, disable and
 * enable, reset the password) and API keys for integrations (issued once, listed, revoked).
 * A platform admin also has 机关: the platform's agencies (list, create one with its first
 * department and admin, edit). Every field error comes back from the API naming its field, and
 * is shown beside it.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Department, type Me, type Role, type RuleProfileSummary } from '../api';
import { loadDepartments } from '../departments';
import { roleLabel } from '../labels';
import { Link } from '../router';

const ROLES: Role[] = ['clerk', 'department', 'reviewer', 'leader', 'supervisor', 'admin'];

interface AgencySettings {
  code: string;
  name: string;
  shortName: string;
  regionCode: string | null;
  defaultRuleProfileId: string;
  officeDepartmentCode: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

interface AdminUser {
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string;
  departmentName: string;
  departmentHead: boolean;
  active: boolean;
  mustChangePassword: boolean;
  hasPassword: boolean;
}

interface ApiKey {
  id: string;
  label: string;
  username: string;
  role: Role;
  departmentCode: string;
  departmentName: string;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  issuedBy: string | null;
}

interface PlatformAgency extends AgencySettings {
  departments: number;
  users: number;
}

const TABS = [
  ['/admin', '机构设置'],
  ['/admin/departments', '科室'],
  ['/admin/users', '用户'],
  ['/admin/api-keys', 'API 密钥'],
] as const;
const PLATFORM_TABS = [['/admin/agencies', '机关']] as const;

export function Admin({ path, me }: { path: string; me: Me }) {
  const tabs = me.platform ? [...TABS, ...PLATFORM_TABS] : TABS;
  let page;
  if (path === '/admin') page = <AgencyPanel />;
  else if (path === '/admin/agencies' && me.platform) page = <AgenciesPanel />;
  else if (path === '/admin/departments') page = <DepartmentsPanel />;
  else if (path === '/admin/users') page = <UsersPanel me={me} />;
  else if (path === '/admin/api-keys') page = <ApiKeysPanel />;
  else page = <p class="form-error">页面不存在：{path}</p>;
  return (
    <section class="page admin">
      <header class="page-header">
        <h1>系统管理</h1>
        <nav class="tabs">
          {tabs.map(([href, label]) => (
            <Link key={href} href={href} class={path === href ? 'active' : ''}>
              {label}
            </Link>
          ))}
        </nav>
      </header>
      {page}
    </section>
  );
}

// ---- shared bits -------------------------------------------------------------------------

type Errors = Record<string, string>;

/** Runs a call; a field error lands beside its field, anything else above the form. */
function useSubmit() {
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(call: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      return await call();
    } catch (failure) {
      if (failure instanceof ApiError && failure.details.length > 0) {
        setErrors(Object.fromEntries(failure.details.map((d) => [d.field, d.message])));
        setMessage(failure.message);
      } else setMessage(failure instanceof Error ? failure.message : String(failure));
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { errors, message, busy, run };
}

function Field({ name, label, error, children }: { name: string; label: string; error?: string | undefined; children: ComponentChildren }) {
  return (
    <div class={`field${error ? ' has-error' : ''}`} data-field={name}>
      <label for={`admin-${name}`}>{label}</label>
      {children}
      {error && <span class="field-error">{error}</span>}
    </div>
  );
}

const value = (e: Event) => (e.currentTarget as HTMLInputElement).value;

function DepartmentSelect({
  id,
  name,
  current,
  onChange,
  departments,
  blank,
}: {
  id?: string;
  name: string;
  current: string;
  onChange(v: string): void;
  departments: Department[];
  blank?: string;
}) {
  return (
    <select id={id} name={name} value={current} onChange={(e) => onChange(value(e))}>
      {blank !== undefined && <option value="">{blank}</option>}
      {departments.map((d) => (
        <option key={d.code} value={d.code}>
          {d.name}
        </option>
      ))}
    </select>
  );
}

function RoleSelect({ id, name, current, onChange }: { id?: string; name: string; current: string; onChange(v: string): void }) {
  return (
    <select id={id} name={name} value={current} onChange={(e) => onChange(value(e))}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {roleLabel(r)}
        </option>
      ))}
    </select>
  );
}

/** A secret shown once (a temporary password, an API key). */
function OneTimeSecret({ title, secret, name }: { title: string; secret: string; name: string }) {
  return (
    <div class="notice one-time" role="status">
      {title}：<code data-secret={name}>{secret}</code>
      <span class="muted small">（仅此一次显示，请立即转交）</span>
    </div>
  );
}

// ---- agency ------------------------------------------------------------------------------

function AgencyPanel() {
  const [settings, setSettings] = useState<AgencySettings | null>(null);
  const [profiles, setProfiles] = useState<RuleProfileSummary[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [form, setForm] = useState({ name: '', shortName: '', regionCode: '', defaultRuleProfileId: '', officeDepartmentCode: '' });
  const [saved, setSaved] = useState(false);
  const submit = useSubmit();

  const show = (s: AgencySettings) => {
    setSettings(s);
    setForm({
      name: s.name,
      shortName: s.shortName,
      regionCode: s.regionCode ?? '',
      defaultRuleProfileId: s.defaultRuleProfileId,
      officeDepartmentCode: s.officeDepartmentCode ?? '',
    });
  };
  useEffect(() => {
    void submit.run(async () => {
      const [s, p, d] = await Promise.all([api.call<AgencySettings>('GET', '/api/agency'), api.ruleProfiles(), loadDepartments()]);
      show(s);
      setProfiles(p);
      setDepartments(d);
    });
  }, []);

  const save = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const result = await submit.run(() =>
      api.call<AgencySettings>('PUT', '/api/admin/agency', {
        name: form.name,
        shortName: form.shortName,
        regionCode: form.regionCode.trim() === '' ? null : form.regionCode.trim(),
        defaultRuleProfileId: form.defaultRuleProfileId,
        ...(form.officeDepartmentCode ? { officeDepartmentCode: form.officeDepartmentCode } : {}),
      }),
    );
    if (result) {
      show(result);
      setSaved(true);
    }
  };
  const set = (key: keyof typeof form) => (e: Event) => setForm({ ...form, [key]: value(e) });

  return (
    <div class="panel">
      <h2>机构设置</h2>
      {settings && (
        <p class="muted small">
          机构代码 {settings.code}（案号、文号序列所用，不可修改）
          {settings.updatedBy ? `；最近由 ${settings.updatedBy} 于 ${settings.updatedAt.slice(0, 16).replace('T', ' ')} 修改` : ''}
        </p>
      )}
      <form class="schema-form" data-form="agency" onSubmit={save}>
        <Field name="name" label="机关名称（印于各类告知书）" error={submit.errors.name}>
          <input id="admin-name" name="name" value={form.name} onInput={set('name')} />
        </Field>
        <Field name="shortName" label="简称（文号前缀）" error={submit.errors.shortName}>
          <input id="admin-shortName" name="shortName" value={form.shortName} onInput={set('shortName')} />
        </Field>
        <Field name="regionCode" label="索引号地区编号（6 位；空则按各规则所属地区）" error={submit.errors.regionCode}>
          <input id="admin-regionCode" name="regionCode" value={form.regionCode} onInput={set('regionCode')} placeholder="如 331003" />
        </Field>
        <Field name="defaultRuleProfileId" label="默认办理规则" error={submit.errors.defaultRuleProfileId}>
          <select
            id="admin-defaultRuleProfileId"
            name="defaultRuleProfileId"
            value={form.defaultRuleProfileId}
            onChange={set('defaultRuleProfileId')}
          >
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field name="officeDepartmentCode" label="政务公开工作机构（逾期未交办事项的负责科室）" error={submit.errors.officeDepartmentCode}>
          <DepartmentSelect
            id="admin-officeDepartmentCode"
            name="officeDepartmentCode"
            current={form.officeDepartmentCode}
            onChange={(officeDepartmentCode) => setForm({ ...form, officeDepartmentCode })}
            departments={departments}
            blank="（未设置）"
          />
        </Field>
        {submit.message && <p class="form-error">{submit.message}</p>}
        {saved && <p class="notice">已保存。</p>}
        <div class="buttons">
          <button type="submit" class="primary" disabled={submit.busy}>
            保存
          </button>
        </div>
      </form>
    </div>
  );
}

// ---- the platform's agencies (platform admins) ----------------------------------------------

const NEW_AGENCY = {
  code: '',
  name: '',
  shortName: '',
  regionCode: '',
  defaultRuleProfileId: '',
  departmentCode: '',
  departmentName: '政务公开办公室',
  departmentIndexCode: '001',
  adminUsername: '',
  adminDisplayName: '',
};

function AgenciesPanel() {
  const [agencies, setAgencies] = useState<PlatformAgency[]>([]);
  const [profiles, setProfiles] = useState<RuleProfileSummary[]>([]);
  const [form, setForm] = useState(NEW_AGENCY);
  const [created, setCreated] = useState<{ agency: string; username: string; temporaryPassword: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [edit, setEdit] = useState({ name: '', shortName: '', regionCode: '', defaultRuleProfileId: '' });
  const create = useSubmit();
  const change = useSubmit();

  const reload = async () => setAgencies((await api.call<{ items: PlatformAgency[] }>('GET', '/api/platform/agencies')).items);
  useEffect(
    () =>
      void change.run(async () => {
        const [, p] = await Promise.all([reload(), api.ruleProfiles()]);
        setProfiles(p);
      }),
    [],
  );

  const submitCreate = async (event: Event) => {
    event.preventDefault();
    setCreated(null);
    const body = {
      code: form.code.trim(),
      name: form.name,
      shortName: form.shortName,
      ...(form.regionCode.trim() ? { regionCode: form.regionCode.trim() } : {}),
      ...(form.defaultRuleProfileId ? { defaultRuleProfileId: form.defaultRuleProfileId } : {}),
      department: {
        code: form.departmentCode.trim(),
        name: form.departmentName,
        ...(form.departmentIndexCode.trim() ? { indexCode: form.departmentIndexCode.trim() } : {}),
      },
      admin: { username: form.adminUsername.trim(), displayName: form.adminDisplayName },
    };
    const result = await create.run(() =>
      api.call<{ agency: PlatformAgency; admin: AdminUser; temporaryPassword: string }>('POST', '/api/platform/agencies', body),
    );
    if (result) {
      setCreated({ agency: result.agency.name, username: result.admin.username, temporaryPassword: result.temporaryPassword });
      setForm(NEW_AGENCY);
      await reload();
    }
  };
  const startEdit = (a: PlatformAgency) => {
    setEditing(a.code);
    setEdit({ name: a.name, shortName: a.shortName, regionCode: a.regionCode ?? '', defaultRuleProfileId: a.defaultRuleProfileId });
  };
  const saveEdit = async (code: string) => {
    const body = {
      name: edit.name,
      shortName: edit.shortName,
      regionCode: edit.regionCode.trim() === '' ? null : edit.regionCode.trim(),
      defaultRuleProfileId: edit.defaultRuleProfileId,
    };
    if (await change.run(() => api.call<PlatformAgency>('PATCH', `/api/platform/agencies/${encodeURIComponent(code)}`, body))) {
      setEditing(null);
      await reload();
    }
  };
  const set = (key: keyof typeof form) => (e: Event) => setForm({ ...form, [key]: value(e) });
  const setEditField = (key: keyof typeof edit) => (e: Event) => setEdit({ ...edit, [key]: value(e) });
  const profileOptions = (blank?: string) => (
    <>
      {blank !== undefined && <option value="">{blank}</option>}
      {profiles.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
    </>
  );

  return (
    <div class="panel" data-panel="agencies">
      <h2>平台机关</h2>
      {change.message && <p class="form-error">{change.message}</p>}
      <table class="cases" data-table="agencies">
        <thead>
          <tr>
            <th>代码</th>
            <th>名称</th>
            <th>简称</th>
            <th>地区编号</th>
            <th>默认规则</th>
            <th>科室</th>
            <th>用户</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {agencies.map((a) =>
            editing === a.code ? (
              <tr key={a.code} data-agency={a.code} class="editing">
                <td>{a.code}</td>
                <td>
                  <input name="edit-name" aria-label="名称" value={edit.name} onInput={setEditField('name')} />
                  {change.errors.name && <span class="field-error">{change.errors.name}</span>}
                </td>
                <td>
                  <input name="edit-shortName" aria-label="简称" value={edit.shortName} onInput={setEditField('shortName')} />
                  {change.errors.shortName && <span class="field-error">{change.errors.shortName}</span>}
                </td>
                <td>
                  <input name="edit-regionCode" aria-label="地区编号" value={edit.regionCode} onInput={setEditField('regionCode')} />
                  {change.errors.regionCode && <span class="field-error">{change.errors.regionCode}</span>}
                </td>
                <td>
                  <select
                    name="edit-defaultRuleProfileId"
                    aria-label="默认规则"
                    value={edit.defaultRuleProfileId}
                    onChange={setEditField('defaultRuleProfileId')}
                  >
                    {profileOptions()}
                  </select>
                </td>
                <td>{a.departments}</td>
                <td>{a.users}</td>
                <td>
                  <button type="button" class="primary" data-action="save" disabled={change.busy} onClick={() => void saveEdit(a.code)}>
                    保存
                  </button>
                  <button type="button" class="link" onClick={() => setEditing(null)}>
                    取消
                  </button>
                </td>
              </tr>
            ) : (
              <tr key={a.code} data-agency={a.code}>
                <td>{a.code}</td>
                <td>{a.name}</td>
                <td>{a.shortName}</td>
                <td>{a.regionCode ?? '—'}</td>
                <td>{profiles.find((p) => p.id === a.defaultRuleProfileId)?.name ?? a.defaultRuleProfileId}</td>
                <td>{a.departments}</td>
                <td>{a.users}</td>
                <td>
                  <button type="button" class="link" data-action="edit" onClick={() => startEdit(a)}>
                    修改
                  </button>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>

      <h3>新增机关</h3>
      <p class="muted small">同时建立其第一个科室（政务公开工作机构）和第一位管理员；管理员的临时密码仅显示一次。</p>
      {created && (
        <OneTimeSecret
          title={`已建立「${created.agency}」；管理员 ${created.username} 的临时密码`}
          secret={created.temporaryPassword}
          name="agency-admin"
        />
      )}
      <form class="schema-form" data-form="new-agency" onSubmit={submitCreate}>
        <Field name="code" label="机关代码（案号前缀，建立后不可修改）" error={create.errors.code}>
          <input id="admin-code" name="code" value={form.code} onInput={set('code')} placeholder="如 sfj" />
        </Field>
        <Field name="name" label="机关名称" error={create.errors.name}>
          <input id="admin-name" name="name" value={form.name} onInput={set('name')} />
        </Field>
        <Field name="shortName" label="简称（文号前缀）" error={create.errors.shortName}>
          <input id="admin-shortName" name="shortName" value={form.shortName} onInput={set('shortName')} />
        </Field>
        <Field name="regionCode" label="索引号地区编号（6 位，可空）" error={create.errors.regionCode}>
          <input id="admin-regionCode" name="regionCode" value={form.regionCode} onInput={set('regionCode')} />
        </Field>
        <Field name="defaultRuleProfileId" label="默认办理规则" error={create.errors.defaultRuleProfileId}>
          <select
            id="admin-defaultRuleProfileId"
            name="defaultRuleProfileId"
            value={form.defaultRuleProfileId}
            onChange={set('defaultRuleProfileId')}
          >
            {profileOptions('（平台默认）')}
          </select>
        </Field>
        <Field name="department.code" label="第一个科室代码（全平台唯一）" error={create.errors['department.code']}>
          <input id="admin-department.code" name="departmentCode" value={form.departmentCode} onInput={set('departmentCode')} />
        </Field>
        <Field name="department.name" label="科室名称" error={create.errors['department.name']}>
          <input id="admin-department.name" name="departmentName" value={form.departmentName} onInput={set('departmentName')} />
        </Field>
        <Field name="department.indexCode" label="科室索引号编号（3 位）" error={create.errors['department.indexCode']}>
          <input
            id="admin-department.indexCode"
            name="departmentIndexCode"
            value={form.departmentIndexCode}
            onInput={set('departmentIndexCode')}
          />
        </Field>
        <Field name="admin.username" label="管理员用户名" error={create.errors['admin.username']}>
          <input id="admin-admin.username" name="adminUsername" value={form.adminUsername} onInput={set('adminUsername')} />
        </Field>
        <Field name="admin.displayName" label="管理员姓名" error={create.errors['admin.displayName']}>
          <input id="admin-admin.displayName" name="adminDisplayName" value={form.adminDisplayName} onInput={set('adminDisplayName')} />
        </Field>
        {create.message && <p class="form-error">{create.message}</p>}
        <div class="buttons">
          <button type="submit" class="primary" disabled={create.busy}>
            新增机关
          </button>
        </div>
      </form>
    </div>
  );
}

// ---- departments -------------------------------------------------------------------------

function DepartmentsPanel() {
  const [departments, setDepartments] = useState<Department[]>([]);
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState({ code: '', name: '', indexCode: '', headUsername: '' });
  const [edit, setEdit] = useState({ name: '', indexCode: '', headUsername: '' });
  const create = useSubmit();
  const change = useSubmit();

  const reload = async () => {
    const [d, u] = await Promise.all([loadDepartments(), api.call<{ items: AdminUser[] }>('GET', '/api/admin/users?active=true')]);
    setDepartments(d);
    setUsers(u.items);
  };
  useEffect(() => void change.run(reload), []);

  const submitCreate = async (event: Event) => {
    event.preventDefault();
    const body = {
      code: form.code.trim(),
      name: form.name,
      ...(form.indexCode.trim() ? { indexCode: form.indexCode.trim() } : {}),
      ...(form.headUsername ? { headUsername: form.headUsername } : {}),
    };
    if (await create.run(() => api.call<Department>('POST', '/api/admin/departments', body))) {
      setForm({ code: '', name: '', indexCode: '', headUsername: '' });
      await reload();
    }
  };
  const startEdit = (d: Department) => {
    setEditing(d.code);
    setEdit({ name: d.name, indexCode: d.indexCode ?? '', headUsername: d.head?.username ?? '' });
  };
  const saveEdit = async (code: string) => {
    const body = {
      name: edit.name,
      indexCode: edit.indexCode.trim() === '' ? null : edit.indexCode.trim(),
      headUsername: edit.headUsername === '' ? null : edit.headUsername,
    };
    if (await change.run(() => api.call<Department>('PATCH', `/api/admin/departments/${encodeURIComponent(code)}`, body))) {
      setEditing(null);
      await reload();
    }
  };
  const remove = async (d: Department) => {
    if (!window.confirm(`删除科室「${d.name}」？`)) return;
    if (await change.run(() => api.call('DELETE', `/api/admin/departments/${encodeURIComponent(d.code)}`))) await reload();
  };
  const userOptions = (
    <>
      <option value="">（未指定）</option>
      {users.map((u) => (
        <option key={u.username} value={u.username}>
          {u.displayName}（{u.username}，{u.departmentName}）
        </option>
      ))}
    </>
  );

  return (
    <div class="columns">
      <div class="panel grow">
        <h2>科室（{departments.length}）</h2>
        {change.message && <p class="form-error">{change.message}</p>}
        <table data-table="departments">
          <thead>
            <tr>
              <th>名称</th>
              <th>代码</th>
              <th>索引号部门编号</th>
              <th>负责人</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {departments.map((d) =>
              editing === d.code ? (
                <tr key={d.code} data-department={d.code} class="editing">
                  <td>
                    <input name="name" value={edit.name} onInput={(e) => setEdit({ ...edit, name: value(e) })} />
                    {change.errors.name && <span class="field-error">{change.errors.name}</span>}
                  </td>
                  <td>{d.code}</td>
                  <td>
                    <input name="indexCode" size={4} value={edit.indexCode} onInput={(e) => setEdit({ ...edit, indexCode: value(e) })} />
                    {change.errors.indexCode && <span class="field-error">{change.errors.indexCode}</span>}
                  </td>
                  <td>
                    <select name="headUsername" value={edit.headUsername} onChange={(e) => setEdit({ ...edit, headUsername: value(e) })}>
                      {userOptions}
                    </select>
                  </td>
                  <td>
                    <button type="button" class="primary" disabled={change.busy} onClick={() => void saveEdit(d.code)}>
                      保存
                    </button>{' '}
                    <button type="button" onClick={() => setEditing(null)}>
                      取消
                    </button>
                  </td>
                </tr>
              ) : (
                <tr key={d.code} data-department={d.code}>
                  <td>{d.name}</td>
                  <td>{d.code}</td>
                  <td>{d.indexCode ?? <span class="badge warn">未设置（不能登记公文）</span>}</td>
                  <td>{d.head ? d.head.displayName : <span class="muted">未指定</span>}</td>
                  <td>
                    <button type="button" class="link" onClick={() => startEdit(d)}>
                      修改
                    </button>{' '}
                    <button type="button" class="link" onClick={() => void remove(d)}>
                      删除
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
        <p class="muted small">逾期督办中的“科室负责人”送达该科室的负责人，以及该科室标记为科室负责人的用户。</p>
      </div>
      <div class="panel side">
        <h2>新建科室</h2>
        <form class="schema-form" data-form="department" onSubmit={submitCreate}>
          <Field name="code" label="代码（小写字母开头）" error={create.errors.code}>
            <input
              id="admin-code"
              name="code"
              value={form.code}
              onInput={(e) => setForm({ ...form, code: value(e) })}
              placeholder="如 zcfgk"
            />
          </Field>
          <Field name="name" label="名称" error={create.errors.name}>
            <input
              id="admin-name"
              name="name"
              value={form.name}
              onInput={(e) => setForm({ ...form, name: value(e) })}
              placeholder="如 政策法规科"
            />
          </Field>
          <Field name="indexCode" label="索引号部门编号（3 位）" error={create.errors.indexCode}>
            <input
              id="admin-indexCode"
              name="indexCode"
              value={form.indexCode}
              onInput={(e) => setForm({ ...form, indexCode: value(e) })}
              placeholder="如 007"
            />
          </Field>
          <Field name="headUsername" label="负责人" error={create.errors.headUsername}>
            <select
              id="admin-headUsername"
              name="headUsername"
              value={form.headUsername}
              onChange={(e) => setForm({ ...form, headUsername: value(e) })}
            >
              {userOptions}
            </select>
          </Field>
          {create.message && <p class="form-error">{create.message}</p>}
          <div class="buttons">
            <button type="submit" class="primary" disabled={create.busy}>
              新建科室
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

// ---- users -------------------------------------------------------------------------------

function UsersPanel({ me }: { me: Me }) {
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [edit, setEdit] = useState({ displayName: '', role: 'clerk', departmentCode: '', departmentHead: false });
  const [form, setForm] = useState({ username: '', displayName: '', role: 'clerk', departmentCode: '', departmentHead: false });
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const create = useSubmit();
  const change = useSubmit();

  const reload = async () => {
    const [u, d] = await Promise.all([
      api.call<{ items: AdminUser[] }>('GET', `/api/admin/users${filter ? `?department=${encodeURIComponent(filter)}` : ''}`),
      loadDepartments(),
    ]);
    setUsers(u.items);
    setDepartments(d);
    setForm((f) => (f.departmentCode || d.length === 0 ? f : { ...f, departmentCode: d[0]!.code }));
  };
  useEffect(() => void change.run(reload), [filter]);

  const submitCreate = async (event: Event) => {
    event.preventDefault();
    setSecret(null);
    const created = await create.run(() =>
      api.call<{ user: AdminUser; temporaryPassword: string }>('POST', '/api/admin/users', { ...form, username: form.username.trim() }),
    );
    if (created) {
      setSecret({ username: created.user.username, password: created.temporaryPassword });
      setForm({ ...form, username: '', displayName: '', departmentHead: false });
      await reload();
    }
  };
  const act = async (u: AdminUser, action: 'disable' | 'enable' | 'reset-password') => {
    setSecret(null);
    if (action === 'reset-password') {
      const reset = await change.run(() =>
        api.call<{ temporaryPassword: string }>('POST', `/api/admin/users/${encodeURIComponent(u.username)}/reset-password`),
      );
      if (reset) setSecret({ username: u.username, password: reset.temporaryPassword });
    } else await change.run(() => api.call('POST', `/api/admin/users/${encodeURIComponent(u.username)}/${action}`));
    await reload();
  };
  const startEdit = (u: AdminUser) => {
    setEditing(u.username);
    setEdit({ displayName: u.displayName, role: u.role, departmentCode: u.departmentCode, departmentHead: u.departmentHead });
  };
  const saveEdit = async (username: string) => {
    if (await change.run(() => api.call('PATCH', `/api/admin/users/${encodeURIComponent(username)}`, edit))) {
      setEditing(null);
      await reload();
    }
  };

  return (
    <div class="columns">
      <div class="panel grow">
        <h2>
          用户（{users.length}）
          <label class="small">
            {' '}
            科室 <DepartmentSelect name="filter" current={filter} onChange={setFilter} departments={departments} blank="全部" />
          </label>
        </h2>
        {secret && <OneTimeSecret title={`${secret.username} 的临时密码`} secret={secret.password} name="temporary-password" />}
        {change.message && <p class="form-error">{change.message}</p>}
        <table data-table="users">
          <thead>
            <tr>
              <th>用户名</th>
              <th>姓名</th>
              <th>角色</th>
              <th>科室</th>
              <th>科室负责人</th>
              <th>状态</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((u) =>
              editing === u.username ? (
                <tr key={u.username} data-user={u.username} class="editing">
                  <td>{u.username}</td>
                  <td>
                    <input name="displayName" value={edit.displayName} onInput={(e) => setEdit({ ...edit, displayName: value(e) })} />
                  </td>
                  <td>
                    <RoleSelect name="role" current={edit.role} onChange={(role) => setEdit({ ...edit, role })} />
                  </td>
                  <td>
                    <DepartmentSelect
                      name="departmentCode"
                      current={edit.departmentCode}
                      onChange={(departmentCode) => setEdit({ ...edit, departmentCode })}
                      departments={departments}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      name="departmentHead"
                      checked={edit.departmentHead}
                      onChange={(e) => setEdit({ ...edit, departmentHead: (e.currentTarget as HTMLInputElement).checked })}
                    />
                  </td>
                  <td />
                  <td>
                    <button type="button" class="primary" disabled={change.busy} onClick={() => void saveEdit(u.username)}>
                      保存
                    </button>{' '}
                    <button type="button" onClick={() => setEditing(null)}>
                      取消
                    </button>
                  </td>
                </tr>
              ) : (
                <tr key={u.username} data-user={u.username} class={u.active ? '' : 'disabled'}>
                  <td>{u.username}</td>
                  <td>{u.displayName}</td>
                  <td>{roleLabel(u.role)}</td>
                  <td>{u.departmentName}</td>
                  <td>{u.departmentHead ? '是' : ''}</td>
                  <td>{!u.active ? '已停用' : !u.hasPassword ? '未设密码' : u.mustChangePassword ? '待改密码' : '正常'}</td>
                  <td>
                    <button type="button" class="link" onClick={() => startEdit(u)}>
                      修改
                    </button>{' '}
                    <button type="button" class="link" data-action="reset-password" onClick={() => void act(u, 'reset-password')}>
                      重置密码
                    </button>{' '}
                    {u.username !== me.username && (
                      <button
                        type="button"
                        class="link"
                        data-action={u.active ? 'disable' : 'enable'}
                        onClick={() => void act(u, u.active ? 'disable' : 'enable')}
                      >
                        {u.active ? '停用' : '启用'}
                      </button>
                    )}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      <div class="panel side">
        <h2>新建用户</h2>
        <form class="schema-form" data-form="user" onSubmit={submitCreate}>
          <Field name="username" label="用户名" error={create.errors.username}>
            <input
              id="admin-username"
              name="username"
              autocomplete="off"
              value={form.username}
              onInput={(e) => setForm({ ...form, username: value(e) })}
              placeholder="小写字母、数字"
            />
          </Field>
          <Field name="displayName" label="姓名" error={create.errors.displayName}>
            <input
              id="admin-displayName"
              name="displayName"
              value={form.displayName}
              onInput={(e) => setForm({ ...form, displayName: value(e) })}
            />
          </Field>
          <Field name="role" label="角色" error={create.errors.role}>
            <RoleSelect id="admin-role" name="role" current={form.role} onChange={(role) => setForm({ ...form, role })} />
          </Field>
          <Field name="departmentCode" label="科室" error={create.errors.departmentCode}>
            <DepartmentSelect
              id="admin-departmentCode"
              name="departmentCode"
              current={form.departmentCode}
              onChange={(departmentCode) => setForm({ ...form, departmentCode })}
              departments={departments}
            />
          </Field>
          <div class="field checkbox" data-field="departmentHead">
            <label for="admin-departmentHead">科室负责人</label>
            <input
              id="admin-departmentHead"
              type="checkbox"
              name="departmentHead"
              checked={form.departmentHead}
              onChange={(e) => setForm({ ...form, departmentHead: (e.currentTarget as HTMLInputElement).checked })}
            />
          </div>
          {create.message && <p class="form-error">{create.message}</p>}
          <div class="buttons">
            <button type="submit" class="primary" disabled={create.busy}>
              新建用户
            </button>
          </div>
          <p class="muted small">系统生成一次性临时密码，用户首次登录时须修改。</p>
        </form>
      </div>
    </div>
  );
}

// ---- API keys ----------------------------------------------------------------------------

function ApiKeysPanel() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [status, setStatus] = useState('active');
  const [form, setForm] = useState({ username: '', label: '', role: '', departmentCode: '', ttlDays: '90' });
  const [secret, setSecret] = useState<string | null>(null);
  const issue = useSubmit();
  const change = useSubmit();

  const reload = async () => {
    const [k, u, d] = await Promise.all([
      api.call<{ items: ApiKey[] }>('GET', `/api/admin/api-keys?status=${status}`),
      api.call<{ items: AdminUser[] }>('GET', '/api/admin/users?active=true'),
      loadDepartments(),
    ]);
    setKeys(k.items);
    setUsers(u.items);
    setDepartments(d);
  };
  useEffect(() => void change.run(reload), [status]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSecret(null);
    if (!form.username) {
      void issue.run(() =>
        Promise.reject(new ApiError(400, 'validation_failed', '请选择用户', [{ field: 'username', message: '请选择用户' }])),
      );
      return;
    }
    const body = {
      label: form.label,
      ttlDays: Number(form.ttlDays),
      ...(form.role ? { role: form.role } : {}),
      ...(form.departmentCode ? { departmentCode: form.departmentCode } : {}),
    };
    const issued = await issue.run(() =>
      api.call<{ token: string }>('POST', `/api/admin/users/${encodeURIComponent(form.username)}/tokens`, body),
    );
    if (issued) {
      setSecret(issued.token);
      setForm({ ...form, label: '' });
      await reload();
    }
  };
  const revoke = async (key: ApiKey) => {
    if (!window.confirm(`吊销「${key.label}」？`)) return;
    if (await change.run(() => api.call('DELETE', `/api/admin/tokens/${encodeURIComponent(key.id)}`))) await reload();
  };

  return (
    <div class="columns">
      <div class="panel grow">
        <h2>
          API 密钥{' '}
          <select name="status" value={status} onChange={(e) => setStatus(value(e))}>
            <option value="active">有效</option>
            <option value="expired">已过期</option>
            <option value="revoked">已吊销</option>
            <option value="all">全部</option>
          </select>
        </h2>
        {secret && <OneTimeSecret title="新密钥" secret={secret} name="api-key" />}
        {change.message && <p class="form-error">{change.message}</p>}
        <table data-table="api-keys">
          <thead>
            <tr>
              <th>用途</th>
              <th>所属用户</th>
              <th>角色</th>
              <th>科室</th>
              <th>到期</th>
              <th>最近使用</th>
              <th>签发人</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key={k.id}>
                <td>{k.label}</td>
                <td>{k.username}</td>
                <td>{roleLabel(k.role)}</td>
                <td>{k.departmentName}</td>
                <td>{k.expiresAt.slice(0, 10)}</td>
                <td>{k.lastUsedAt ? k.lastUsedAt.slice(0, 16).replace('T', ' ') : '—'}</td>
                <td>{k.issuedBy ?? '—'}</td>
                <td>
                  {k.status === 'active' ? (
                    <button type="button" class="link" onClick={() => void revoke(k)}>
                      吊销
                    </button>
                  ) : k.status === 'revoked' ? (
                    '已吊销'
                  ) : (
                    '已过期'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted small">密钥只在签发时显示一次，系统仅保存其摘要。供系统对接使用；工作人员请用账号密码登录。</p>
      </div>
      <div class="panel side">
        <h2>签发 API 密钥</h2>
        <form class="schema-form" data-form="api-key" onSubmit={submit}>
          <Field name="username" label="所属用户" error={issue.errors.username}>
            <select id="admin-username" name="username" value={form.username} onChange={(e) => setForm({ ...form, username: value(e) })}>
              <option value="">请选择…</option>
              {users.map((u) => (
                <option key={u.username} value={u.username}>
                  {u.displayName}（{u.username}）
                </option>
              ))}
            </select>
          </Field>
          <Field name="label" label="用途" error={issue.errors.label}>
            <input
              id="admin-label"
              name="label"
              value={form.label}
              onInput={(e) => setForm({ ...form, label: value(e) })}
              placeholder="如 统一门户对接"
            />
          </Field>
          <Field name="role" label="角色（默认同用户）" error={issue.errors.role}>
            <select id="admin-role" name="role" value={form.role} onChange={(e) => setForm({ ...form, role: value(e) })}>
              <option value="">同用户</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="departmentCode" label="科室（默认同用户）" error={issue.errors.departmentCode}>
            <DepartmentSelect
              id="admin-departmentCode"
              name="departmentCode"
              current={form.departmentCode}
              onChange={(departmentCode) => setForm({ ...form, departmentCode })}
              departments={departments}
              blank="同用户"
            />
          </Field>
          <Field name="ttlDays" label="有效天数" error={issue.errors.ttlDays}>
            <input
              id="admin-ttlDays"
              name="ttlDays"
              type="number"
              min={1}
              max={365}
              value={form.ttlDays}
              onInput={(e) => setForm({ ...form, ttlDays: value(e) })}
            />
          </Field>
          {issue.message && <p class="form-error">{issue.message}</p>}
          <div class="buttons">
            <button type="submit" class="primary" disabled={issue.busy}>
              签发
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

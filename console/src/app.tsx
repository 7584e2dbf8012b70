/**
 * The console's shell: who is logged in, the navigation their role allows, and which page
 * the path under /console shows.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Me, type OpenApiDocument, UNAUTHORIZED } from './api';
import { mayCall } from './openapi';
import { roleLabel } from './labels';
import { loadDepartments } from './departments';
import { Admin } from './pages/Admin';
import { Audit } from './pages/Audit';
import { CaseList } from './pages/CaseList';
import { CasePage } from './pages/CasePage';
import { Dashboard, PlatformDashboard } from './pages/Dashboard';
import { Inbox } from './pages/Inbox';
import { Intake } from './pages/Intake';
import { Login } from './pages/Login';
import { Link, navigate, Redirect, useLocation } from './router';

type Session =
  | { state: 'checking' }
  | { state: 'anonymous' }
  | { state: 'signing-in'; me: Me }
  | { state: 'ready'; me: Me; doc: OpenApiDocument }
  | { state: 'failed'; message: string };

const homeOf = (me: Me) =>
  me.platform && me.role === 'supervisor' ? '/platform' : me.role === 'supervisor' || me.role === 'leader' ? '/dashboard' : '/inbox';

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const { path } = useLocation();

  const start = async (known?: Me) => {
    try {
      // A sign-in still owing a step (second factor, password change, TOTP enrolment) resumes there.
      const current = known ?? (await api.me());
      if (current.pending) {
        setSession({ state: 'signing-in', me: current });
        return;
      }
      known = current;
      // Departments are shown by name everywhere: their names load with the session.
      // A sign-in's answer names no agency: /api/me does, for the header.
      const [me, doc] = await Promise.all([known.agency !== undefined ? known : api.me(), api.openapi(), loadDepartments()]);
      setSession({ state: 'ready', me, doc });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setSession({ state: 'anonymous' });
      } else {
        setSession({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    }
  };

  useEffect(() => {
    void start(); // the session cookie, if any, says who is signed in
    const expired = () => setSession({ state: 'anonymous' });
    window.addEventListener(UNAUTHORIZED, expired);
    return () => window.removeEventListener(UNAUTHORIZED, expired);
  }, []);

  if (session.state === 'checking') return <p class="muted page">正在加载…</p>;
  if (session.state === 'failed') return <p class="form-error page">无法连接服务器：{session.message}</p>;
  if (session.state === 'anonymous' || session.state === 'signing-in') {
    return (
      <Login
        key={session.state}
        resume={session.state === 'signing-in' ? session.me : null}
        onCancel={() =>
          void api
            .logout()
            .catch(() => undefined)
            .then(() => setSession({ state: 'anonymous' }))
        }
        onLogin={(me) => {
          void start(me);
          if (path === '/login') navigate(homeOf(me), true);
        }}
      />
    );
  }

  const { me, doc } = session;
  const logout = async () => {
    await api.logout().catch(() => undefined); // a session already ended is signed out all the same
    setSession({ state: 'anonymous' });
    navigate('/login');
  };
  const canIntake = mayCall(doc.paths['/api/applications']?.post, me.role);
  const canSupervise = mayCall(doc.paths['/api/supervision/clocks']?.get, me.role); // the roles come from x-roles
  const canAdminister = mayCall(doc.paths['/api/admin/users']?.get, me.role);
  const canAudit = mayCall(doc.paths['/api/admin/audit']?.get, me.role);
  // The platform's view: its roles (x-roles) and a platform user (x-platform).
  const canSeePlatform = me.platform === true && mayCall(doc.paths['/api/platform/supervision']?.get, me.role);
  const caseMatch = /^\/cases\/([a-z-]+)\/([^/]+)$/.exec(path);
  const intakeMatch = /^\/intake(?:\/([a-z-]+))?$/.exec(path);

  let page;
  if (caseMatch) page = <CasePage key={path} kind={caseMatch[1]!} caseRef={decodeURIComponent(caseMatch[2]!)} me={me} doc={doc} />;
  else if (intakeMatch) page = <Intake key={path} kind={intakeMatch[1] ?? 'application'} me={me} doc={doc} />;
  else if (path === '/dashboard') page = canSupervise ? <Dashboard /> : <p class="form-error">您的角色无权查看督办看板。</p>;
  else if (path === '/platform')
    page = canSeePlatform ? <PlatformDashboard ownAgency={me.agencyCode} /> : <p class="form-error">仅平台督办人员可查看全市督办。</p>;
  else if (path === '/inbox') page = <Inbox />;
  else if (path === '/cases') page = <CaseList me={me} doc={doc} />;
  else if (path === '/admin' || path.startsWith('/admin/'))
    page = canAdminister ? <Admin path={path} me={me} /> : <p class="form-error">您的角色无权进行系统管理。</p>;
  else if (path === '/audit')
    page = canAudit ? <Audit platform={me.platform === true} /> : <p class="form-error">您的角色无权查看审计日志。</p>;
  else if (path === '/' || path === '/login') page = <Redirect to={homeOf(me)} />;
  else page = <p class="form-error">页面不存在：{path}</p>;

  const nav = (href: string, label: string) => (
    <Link href={href} class={path === href || path.startsWith(`${href}/`) ? 'active' : ''}>
      {label}
    </Link>
  );
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">政府信息公开办理平台</span>
        {me.agency && (
          <span class="agency-name" data-agency={me.agency.code} title={me.platform ? '平台用户' : undefined}>
            {' · '}
            {me.agency.name}
            {me.platform && <span class="muted small">（平台）</span>}
          </span>
        )}
        <nav>
          {canSeePlatform && nav('/platform', '全市督办')}
          {canSupervise && nav('/dashboard', '督办看板')}
          {nav('/inbox', '我的待办')}
          {nav('/cases', '案件')}
          {canIntake && nav('/intake', '登记申请')}
          {canAdminister && nav('/admin', '系统管理')}
          {canAudit && nav('/audit', '审计日志')}
        </nav>
        <span class="user" data-role={me.role}>
          {me.displayName}（{roleLabel(me.role)}）
          <button type="button" class="link sign-out" onClick={() => void logout()}>
            退出登录
          </button>
        </span>
      </header>
      <main>{page}</main>
    </div>
  );
}

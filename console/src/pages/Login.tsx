/**
 * 登录: username and password; then, as the server asks, the authenticator app's code (or a
 * recovery code), the change of a first or expired password, and the enrolment of a second
 * factor for the roles that need one (admins, leaders). Each step ends by asking the server
 * what the sign-in still owes (`GET /api/me` → `pending`), so a reload resumes where it was.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Me } from '../api';

type Step =
  | { step: 'password' }
  | { step: 'second-factor' }
  | { step: 'password-change' }
  | { step: 'totp-enrolment' }
  | { step: 'recovery-codes'; codes: string[] };

const stepOf = (pending: Me['pending']): Step => (pending ? { step: pending } : { step: 'password' });

function describe(failure: unknown): string {
  if (!(failure instanceof ApiError)) return failure instanceof Error ? failure.message : String(failure);
  if (failure.code === 'invalid_credentials') return '用户名或密码错误';
  if (failure.code === 'invalid_second_factor') return '验证码错误或已使用';
  if (failure.status === 423) {
    const until = /locked until (\S+)/.exec(failure.details[0]?.message ?? '')?.[1];
    const at = until ? new Date(until).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' }) : null;
    return at ? `连续失败次数过多，账户已锁定，请于 ${at} 后再试` : '连续失败次数过多，账户已锁定，请稍后再试';
  }
  if (failure.status === 401) return '会话已结束，请重新登录';
  // The server's rule messages end with their Chinese wording in parentheses: show that.
  if (failure.details.length > 0)
    return failure.details.map((d) => /\(([^()]*\p{Script=Han}[^()]*)\)$/u.exec(d.message)?.[1] ?? d.message).join('；');
  return failure.message;
}

/** Why a single sign-on came back refused (`/console/login?sso_error=…`, api/routes/sso.ts). */
const SSO_ERRORS: Record<string, string> = {
  'provider-error': '统一身份认证平台未完成登录（已取消或被拒绝）',
  'state-mismatch': '登录请求已失效或已使用，请重新登录',
  'browser-mismatch': '请在发起登录的同一浏览器中完成统一身份认证',
  'token-rejected': '统一身份认证平台返回的身份凭据未通过校验',
  'provider-unavailable': '统一身份认证平台暂时无法访问，请稍后再试',
  'username-taken': '该用户名已属于本系统的其他账号，请联系管理员',
  'inactive-user': '账号已停用，请联系管理员',
};
const ssoError = (): string | null => {
  const code = new URLSearchParams(window.location.search).get('sso_error');
  return code ? (SSO_ERRORS[code] ?? '您在统一身份认证平台的身份未能对应到本系统的角色或部门，请联系管理员') : null;
};

function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput(value: string): void;
  type?: 'text' | 'password';
  autocomplete?: string;
  inputMode?: 'numeric';
}) {
  const common = {
    id: props.id,
    name: props.id,
    autocomplete: props.autocomplete ?? 'off',
    value: props.value,
    onInput: (e: Event) => props.onInput((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.type === 'password' ? <input type="password" {...common} /> : <input type="text" inputMode={props.inputMode} {...common} />}
    </div>
  );
}

export function Login({ resume, onLogin, onCancel }: { resume?: Me | null; onLogin(me: Me): void; onCancel?(): void }) {
  const [step, setStep] = useState<Step>(stepOf(resume?.pending));
  const [error, setError] = useState<string | null>(resume ? null : ssoError());
  const [busy, setBusy] = useState(false);
  const [sso, setSso] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string } | null>(null);
  // The password just typed is the current one for a forced change right after it.
  const [current, setCurrent] = useState<string | null>(null);

  /** Asks the server what the sign-in still owes; done when nothing. */
  const next = async () => {
    const me = await api.me();
    if (me.pending) setStep({ step: me.pending });
    else onLogin(me);
  };

  const run = (action: () => Promise<void>) => async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    api.ssoEnabled().then(setSso, () => setSso(false));
  }, []);

  useEffect(() => {
    if (step.step !== 'totp-enrolment' || enrolment) return;
    api.startTotpEnrolment().then(setEnrolment, (failure: unknown) => setError(describe(failure)));
  }, [step.step]);

  const signIn = run(async () => {
    if (!username.trim() || !password) throw new Error('请输入用户名和密码');
    await api.login(username.trim(), password);
    setCurrent(password);
    setPassword('');
    await next();
  });

  const secondFactor = run(async () => {
    const value = code.trim();
    if (!value) throw new Error(useRecovery ? '请输入恢复码' : '请输入 6 位验证码');
    await api.secondFactor(useRecovery ? { recoveryCode: value } : { code: value });
    setCode('');
    await next();
  });

  const changePassword = run(async () => {
    if (newPassword !== confirmPassword) throw new Error('两次输入的新密码不一致');
    await api.changePassword(current ?? password, newPassword);
    setCurrent(null);
    setPassword('');
    setNewPassword('');
    setConfirmPassword('');
    await next();
  });

  const confirmEnrolment = run(async () => {
    const { recoveryCodes } = await api.confirmTotpEnrolment(code.trim());
    setCode('');
    setStep({ step: 'recovery-codes', codes: recoveryCodes });
  });

  const form = (title: string, onSubmit: (event: Event) => void, submitLabel: string, children: ComponentChildren) => (
    <section class="page login">
      <form class="panel login-form" onSubmit={onSubmit}>
        <h1>政府信息公开办理平台</h1>
        <h2>{title}</h2>
        {children}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? '请稍候…' : submitLabel}
          </button>
          {step.step !== 'password' && onCancel && (
            <button type="button" class="link" onClick={onCancel}>
              退出
            </button>
          )}
        </div>
      </form>
    </section>
  );

  switch (step.step) {
    case 'password':
      return form('登录', signIn, '登录', [
        <Field key="u" id="username" label="用户名" value={username} onInput={setUsername} autocomplete="username" />,
        <Field key="p" id="password" label="密码" type="password" value={password} onInput={setPassword} autocomplete="current-password" />,
        sso && (
          <p key="sso" class="small">
            <a class="sso" href="/api/auth/oidc/start?returnTo=/console/">
              统一身份认证登录
            </a>
          </p>
        ),
      ]);
    case 'second-factor':
      return form('动态验证码', secondFactor, '验证', [
        useRecovery ? (
          <Field key="r" id="recovery-code" label="恢复码" value={code} onInput={setCode} />
        ) : (
          <Field
            key="c"
            id="totp-code"
            label="身份验证器中的 6 位验证码"
            value={code}
            onInput={setCode}
            inputMode="numeric"
            autocomplete="one-time-code"
          />
        ),
        <p key="switch" class="small">
          <button type="button" class="link" onClick={() => (setUseRecovery(!useRecovery), setCode(''))}>
            {useRecovery ? '使用身份验证器' : '无法使用身份验证器？使用恢复码'}
          </button>
        </p>,
      ]);
    case 'password-change':
      return form('修改密码', changePassword, '修改密码', [
        <p key="why" class="muted small">
          首次登录或密码已到期，请先设置新密码：至少 8 位，包含大写字母、小写字母、数字、符号中的至少 3 类。
        </p>,
        current === null && (
          <Field
            key="c"
            id="current-password"
            label="当前密码"
            type="password"
            value={password}
            onInput={setPassword}
            autocomplete="current-password"
          />
        ),
        <Field
          key="n"
          id="new-password"
          label="新密码"
          type="password"
          value={newPassword}
          onInput={setNewPassword}
          autocomplete="new-password"
        />,
        <Field
          key="f"
          id="confirm-password"
          label="再次输入新密码"
          type="password"
          value={confirmPassword}
          onInput={setConfirmPassword}
          autocomplete="new-password"
        />,
      ]);
    case 'totp-enrolment':
      return form('绑定动态验证码', confirmEnrolment, '绑定', [
        <p key="why" class="muted small">
          您的角色需要第二重身份验证。请在身份验证器（如 Microsoft Authenticator、Google
          Authenticator、FreeOTP）中添加以下密钥，然后输入它显示的 6 位验证码。
        </p>,
        enrolment ? (
          <div key="secret" class="field">
            <label>密钥</label>
            <code class="totp-secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
            <a class="small" href={enrolment.otpauthUri}>
              {enrolment.otpauthUri}
            </a>
          </div>
        ) : (
          <p key="loading" class="muted">
            正在生成密钥…
          </p>
        ),
        <Field key="c" id="totp-code" label="6 位验证码" value={code} onInput={setCode} inputMode="numeric" autocomplete="one-time-code" />,
      ]);
    case 'recovery-codes':
      return form('保存恢复码', run(next), '我已保存，继续', [
        <p key="why" class="muted small">
          以下 10 个恢复码仅显示这一次。身份验证器不可用时，每个恢复码可代替验证码使用一次。请打印或抄写后妥善保存。
        </p>,
        <ol key="codes" class="recovery-codes">
          {step.codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>,
      ]);
  }
}

/** 登录: there are no passwords; a user pastes the bearer token issued to them. */
import { useState } from 'preact/hooks';
import { api, ApiError, type Me, tokenStore } from '../api';

export function Login({ onLogin }: { onLogin(me: Me): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = token.trim().replace(/^Bearer\s+/i, '');
    if (!value) {
      setError('请输入令牌');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = await api.me(value);
      tokenStore.set(value);
      onLogin(me);
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? '令牌无效或已过期' : failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page login">
      <form class="panel login-form" onSubmit={submit}>
        <h1>政府信息公开办理平台</h1>
        <div class="field">
          <label for="token">访问令牌</label>
          <input id="token" name="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)} placeholder="粘贴您的访问令牌" />
        </div>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? '登录中…' : '登录'}
          </button>
        </div>
        <p class="muted small">本系统不使用密码，每位用户持有一个访问令牌。演示令牌见 .data/demo-tokens.json（由 npm start 生成）。</p>
      </form>
    </section>
  );
}

/** 我的待办: the clocks I or my department must act on, and my notifications (refreshed live). */
import { api, type Notification } from '../api';
import { ClockTable } from '../components/ClockTable';
import { usePolling } from '../hooks';
import { formatDateTime } from '../labels';
import { Link, navigate } from '../router';

export function Inbox() {
  const inbox = usePolling(() => api.inbox(), 'inbox', 5000);

  const markRead = async (notification: Notification) => {
    if (!notification.readAt) {
      await api.markRead(notification.id);
      await inbox.refresh();
    }
  };
  const open = async (notification: Notification) => {
    await markRead(notification);
    if (notification.link) navigate(notification.link);
  };

  return (
    <section class="page inbox">
      <header class="page-header">
        <h1>我的待办</h1>
        {inbox.data && <span class="muted">未读通知 {inbox.data.unread} 条</span>}
      </header>
      {inbox.error && <p class="form-error">加载失败：{inbox.error}</p>}
      <div class="panel">
        <h2>待办期限</h2>
        {inbox.data ? <ClockTable items={inbox.data.tasks} empty="暂无待办" /> : <p class="muted">加载中…</p>}
      </div>
      <div class="panel">
        <h2>通知</h2>
        {inbox.data && inbox.data.notifications.length === 0 && <p class="muted empty">暂无通知</p>}
        <ul class="notifications">
          {inbox.data?.notifications.map((n) => (
            <li key={n.id} class={n.readAt ? 'read' : 'unread'}>
              <div class="notification-head">
                <strong>{n.title}</strong>
                <span class="muted small">{formatDateTime(n.createdAt)}</span>
              </div>
              <p>{n.body}</p>
              <div class="buttons">
                {n.link && (
                  <button type="button" class="link" onClick={() => void open(n)}>
                    查看案件
                  </button>
                )}
                {!n.readAt && (
                  <button type="button" onClick={() => void markRead(n)}>
                    标为已读
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      </div>
      <p class="muted small">
        案件列表见 <Link href="/cases">案件</Link>。
      </p>
    </section>
  );
}

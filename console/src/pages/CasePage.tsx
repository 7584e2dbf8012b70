/**
 * One case of any kind: its facts, its clocks with how each due date was derived, its
 * timeline of events, its documents, and the steps the user may take now (the case's
 * `allowedActions` where the kind gives them, else every step of the role) — each a form
 * generated from the step's request schema in the OpenAPI document. Refreshed every 5 s.
 */
import { useState } from 'preact/hooks';
import { api, type CaseDocument, type CaseEvent, type ClockView, type Me, type OpenApiDocument } from '../api';
import { type FormLabels, SchemaForm, todayInShanghai } from '../components/SchemaForm';
import { departmentFieldOptions, departmentName } from '../departments';
import { usePolling } from '../hooks';
import { clocksOf, kindSpec } from '../kinds';
import { CASE_STATUS_LABELS, CLOCK_STATUS_LABELS, eventLabel, fieldLabel, formatDateTime, roleLabel } from '../labels';
import { stepsOf, type StepOperation } from '../openapi';
import { Link } from '../router';
import { CaseFiles } from './CaseFiles';

export function CasePage({ kind, caseRef, me, doc }: { kind: string; caseRef: string; me: Me; doc: OpenApiDocument }) {
  const spec = kindSpec(kind);
  const view = usePolling(() => api.caseOf(spec.collection, caseRef), `${kind}/${caseRef}`, 5000);
  const [done, setDone] = useState<string | null>(null);
  const steps = stepsOf(doc, spec.collection, me.role);
  const data = view.data;

  return (
    <section class="page case" data-case={caseRef}>
      <header class="page-header">
        <h1>
          <span class="muted">{spec.label}</span> <span class="case-ref">{caseRef}</span>
        </h1>
        {data && (
          <span class={`badge stage ${data.status === 'closed' ? 'closed' : ''}`} data-stage={data.stage}>
            {data.stageLabel}
          </span>
        )}
        {data?.paused && <span class="badge urgency-paused">暂停计时</span>}
      </header>
      {view.error && <p class="form-error">加载失败：{view.error}</p>}
      {!data && !view.error && <p class="muted">加载中…</p>}
      {data && (
        <>
          <dl class="facts">
            <div>
              <dt>状态</dt>
              <dd>{CASE_STATUS_LABELS[data.status] ?? data.status}</dd>
            </div>
            {spec.facts(data).map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd title={value}>{value}</dd>
              </div>
            ))}
          </dl>
          <div class="columns">
            <div class="grow">
              <Clocks clocks={clocksOf(data)} />
              <Timeline events={data.events} />
            </div>
            <aside class="side">
              <Actions
                steps={data.allowedActions ? steps.filter((step) => data.allowedActions!.includes(step.action)) : steps}
                roleHasSteps={steps.length > 0}
                caseRef={caseRef}
                closed={data.status === 'closed'}
                done={done}
                labels={spec.labels}
                onDone={async (step) => {
                  setDone(`已完成：${step.summary}`);
                  await view.refresh();
                }}
              />
              {data.documents && (
                <Documents documents={data.documents} base={`${spec.collection}/${encodeURIComponent(caseRef)}/documents`} />
              )}
              <CaseFiles doc={doc} collection={spec.collection} caseRef={caseRef} role={me.role} />
            </aside>
          </div>
        </>
      )}
      <p class="muted small">
        <Link href="/cases">返回案件列表</Link>
      </p>
    </section>
  );
}

/**
 * How a clock stands today. The derived days-left figure is as of the clock's last derivation,
 * so lateness is judged here from the due date (the dashboard has the live count).
 */
function standing(clock: ClockView): { key: string; label: string } {
  if (clock.closed) return { key: 'closed', label: '已结束' };
  const today = todayInShanghai();
  const late = clock.overdue ?? (clock.dueAt !== null ? Date.parse(clock.dueAt) < Date.now() : clock.due !== null && clock.due < today);
  if (clock.status === 'running' && late) return { key: 'overdue', label: '已逾期' };
  if (clock.status === 'running' && clock.due === today) return { key: 'due-today', label: '今日届满' };
  return { key: clock.status ?? 'none', label: CLOCK_STATUS_LABELS[clock.status ?? ''] ?? clock.status ?? '—' };
}

function ClockCard({ clock }: { clock: ClockView }) {
  const now = standing(clock);
  return (
    <article class={`clock-card status-${now.key}`} data-clock={clock.id}>
      <header>
        <h3>{clock.label}</h3>
        <span class="badge">{now.label}</span>
      </header>
      <p class="due">
        届满日：<strong>{clock.due ?? '—'}</strong>
        {clock.provisional && <span class="badge warn">工作日历未定，暂按预估推算</span>}
      </p>
      {clock.derivation.length > 0 && (
        <details class="derivation" open>
          <summary>推算过程</summary>
          <ol>
            {clock.derivation.map((step, index) => (
              <li key={index}>
                {step.explanation}
                {step.due && <span class="muted"> → {step.due}</span>}
              </li>
            ))}
          </ol>
        </details>
      )}
    </article>
  );
}

function Clocks({ clocks }: { clocks: ClockView[] }) {
  return (
    <div class="panel">
      <h2>期限</h2>
      {clocks.length === 0 && <p class="muted empty">暂无期限</p>}
      <div class="clock-cards">
        {clocks.map((clock) => (
          <ClockCard key={clock.id} clock={clock} />
        ))}
      </div>
    </div>
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return value === true ? '是' : value === false ? '否' : String(value);
  if (Array.isArray(value)) return value.map(describe).join('；');
  return JSON.stringify(value);
}

/** Event fields that name a department: shown by its name. */
const DEPARTMENT_FIELDS = new Set(['departmentCode', 'issuingDepartment', 'complainedDepartmentCode']);

function Timeline({ events }: { events: CaseEvent[] }) {
  return (
    <div class="panel">
      <h2>办理记录</h2>
      <ol class="timeline">
        {[...events].reverse().map((event) => {
          const payload =
            event.payload && typeof event.payload === 'object' ? Object.entries(event.payload as Record<string, unknown>) : [];
          return (
            <li key={event.seq} data-event={event.type}>
              <div class="event-head">
                <strong>{eventLabel(event.type)}</strong>
                <span class="muted small">
                  #{event.seq} · {formatDateTime(event.at)} · {event.actor}（{roleLabel(event.role)}）
                </span>
              </div>
              {payload.length > 0 && (
                <details>
                  <summary>详情</summary>
                  <dl class="payload">
                    {payload.map(([key, value]) => (
                      <div key={key}>
                        <dt>{fieldLabel(key)}</dt>
                        <dd>{DEPARTMENT_FIELDS.has(key) ? departmentName(value) : describe(value)}</dd>
                      </div>
                    ))}
                  </dl>
                </details>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

const DELIVERY_LABELS: Record<string, string> = {
  'in-person': '直接送达',
  post: '邮寄送达',
  email: '电子邮件送达',
  fax: '传真送达',
  publication: '公告送达',
};

function Documents({ documents, base }: { documents: CaseDocument[]; base: string }) {
  const [error, setError] = useState<string | null>(null);
  const open = async (document: CaseDocument) => {
    // Opened before the fetch, so the popup blocker sees the click.
    const popup = window.open('', '_blank');
    try {
      const url = await api.documentUrl(`${base}/${encodeURIComponent(document.docNo)}`);
      if (popup) popup.location.href = url;
      else window.location.href = url;
    } catch (failure) {
      popup?.close();
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <div class="panel">
      <h2>文书</h2>
      {documents.length === 0 && <p class="muted empty">暂无文书</p>}
      <ul class="documents">
        {documents.map((document) => (
          <li key={document.docNo}>
            <button type="button" class="link" onClick={() => void open(document)}>
              {document.title}
            </button>
            <span class="muted small">
              {document.docNo} · {document.issuedOn}
            </span>
            {document.delivery === null && (
              // Periods that run from the addressee's receipt (补正、缴费、征求意见) have not started.
              <span class="badge urgency-due-soon" title="送达后，自收到之日起算的期限才开始计算">
                未送达
              </span>
            )}
            {document.delivery && (
              <span class="muted small">
                {' '}
                · {DELIVERY_LABELS[document.delivery.method] ?? document.delivery.method} {document.delivery.deliveredOn}
                {document.delivery.trackingNo ? `（${document.delivery.trackingNo}）` : ''}
              </span>
            )}
          </li>
        ))}
      </ul>
      {error && <p class="form-error">{error}</p>}
    </div>
  );
}

interface ActionsProps {
  steps: StepOperation[];
  /** Whether the user's role has any step on this kind of case at all. */
  roleHasSteps: boolean;
  caseRef: string;
  closed: boolean;
  done: string | null;
  labels: FormLabels;
  onDone(step: StepOperation): Promise<void>;
}

function Actions({ steps, roleHasSteps, caseRef, closed, done, labels, onDone }: ActionsProps) {
  const [open, setOpen] = useState<string | null>(null);
  const current = steps.find((step) => step.action === open);
  return (
    <div class="panel actions">
      <h2>办理操作</h2>
      {done && (
        <p class="notice" role="status">
          {done}
        </p>
      )}
      {steps.length === 0 && (
        <p class="muted">{roleHasSteps ? '本案当前阶段没有您可执行的操作。' : '您的角色在此类案件上没有可执行的操作。'}</p>
      )}
      {closed && steps.length > 0 && <p class="muted small">本案已办结，操作将被拒绝。</p>}
      {current ? (
        <div class="step-form" data-action={current.action}>
          <h3>{current.summary}</h3>
          <SchemaForm
            key={current.action}
            labels={labels}
            options={departmentFieldOptions()}
            name={current.action}
            schema={current.schema}
            submitLabel={`确认${current.summary.length <= 8 ? current.summary : '提交'}`}
            onCancel={() => setOpen(null)}
            onSubmit={async (body) => {
              await api.post(current.url(caseRef), body);
              setOpen(null);
              await onDone(current);
            }}
          />
        </div>
      ) : (
        <ul class="step-list">
          {steps.map((step) => (
            <li key={step.action}>
              <button type="button" data-action={step.action} title={step.summary} onClick={() => setOpen(step.action)}>
                {step.summary}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Intake of a new case of any kind: the form is generated from the request body schema of
 * `POST <collection>` in the OpenAPI document, started with the kind's sensible defaults
 * (an application handed in at the counter by a natural person, …). On success the clerk
 * lands on the new case's page.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Me, type OpenApiDocument } from '../api';
import { type Choice, SchemaForm } from '../components/SchemaForm';
import { departmentFieldOptions } from '../departments';
import { kindSpec } from '../kinds';
import { idParamOf, mayCall, requestSchema } from '../openapi';
import { navigate } from '../router';

export function Intake({ kind, me, doc }: { kind: string; me: Me; doc: OpenApiDocument }) {
  const spec = kindSpec(kind);
  const [ruleProfiles, setRuleProfiles] = useState<Choice[] | null>(null);
  useEffect(() => {
    api
      .ruleProfiles()
      .then((list) => setRuleProfiles(list.map((p) => ({ value: p.id, label: `${p.name}${p.isDefault ? '（本机关默认）' : ''}` }))))
      .catch(() => setRuleProfiles([])); // the field then stays a text box
  }, []);
  const operation = doc.paths[spec.collection]?.post;
  if (!operation) return <p class="form-error">未知的案件类别：{kind}</p>;
  if (!mayCall(operation, me.role)) return <p class="form-error">您的角色无权登记此类案件。</p>;
  const idParam = idParamOf(doc, spec.collection);

  const submit = async (body: Record<string, unknown>) => {
    const created = await api.post<Record<string, unknown>>(spec.collection, body);
    const ref = idParam ? created[idParam] : undefined;
    navigate(typeof ref === 'string' ? `/cases/${kind}/${ref}` : '/cases');
  };

  return (
    <section class="page intake">
      <header class="page-header">
        <h1>{spec.intakeTitle}</h1>
      </header>
      <p class="muted">{operation.summary}。标 * 的为必填项；提交后系统立即启动办理流程并起算期限。</p>
      <div class="panel">
        {ruleProfiles === null ? (
          <p class="muted">加载中…</p>
        ) : (
          <SchemaForm
            name="intake"
            schema={requestSchema(doc, operation)}
            initial={spec.intakeDefaults}
            labels={spec.labels}
            options={{ ...departmentFieldOptions(), ...(ruleProfiles.length > 0 ? { ruleProfileId: ruleProfiles } : {}) }}
            submitLabel="登记并启动办理"
            onSubmit={submit}
          />
        )}
      </div>
    </section>
  );
}

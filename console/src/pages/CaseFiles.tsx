/**
 * A case's attachments (api/routes/files.ts): the list, a download link for each one the role
 * may open (the applicant's materials: clerk and admin), and an upload form for the purposes
 * the role may attach — offered only when the OpenAPI document lists the routes for this kind
 * of case and this role (`x-roles`).
 */
import { useState } from 'preact/hooks';
import { api, ApiError, type OpenApiDocument } from '../api';
import { usePolling } from '../hooks';
import { formatDateTime } from '../labels';
import { idParamOf, mayCall } from '../openapi';

const PURPOSE_LABELS: Record<string, string> = {
  'application-material': '申请材料',
  'correction-material': '补正材料',
  disclosed: '公开的政府信息',
  redacted: '区分处理后公开的政府信息',
  'dispute-evidence': '证据材料',
  'published-file': '公开发布的文件',
};

/** Label above its field, fields one under another (set through the DOM, which the console's CSP allows). */
const STACKED = { display: 'grid', gap: '4px', marginTop: '8px' };

const sizeLabel = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

export function CaseFiles({ doc, collection, caseRef, role }: { doc: OpenApiDocument; collection: string; caseRef: string; role: string }) {
  const item = doc.paths[`${collection}/{${idParamOf(doc, collection) ?? 'id'}}/files`];
  const casePath = `${collection}/${encodeURIComponent(caseRef)}`;
  const files = usePolling(() => (item?.get ? api.caseFiles(casePath) : Promise.resolve([])), `files:${casePath}`, item?.get ? 15000 : 0);
  if (!item?.get || !mayCall(item.get, role)) return null;
  const upload = item.post && mayCall(item.post, role) ? item.post : null;
  const purposes = (upload?.parameters?.find((p) => p.name === 'purpose')?.schema?.enum ?? []).map(String);

  return (
    <div class="panel files">
      <h2>附件</h2>
      {files.error && <p class="form-error">加载失败：{files.error}</p>}
      {files.data?.length === 0 && <p class="muted empty">暂无附件</p>}
      <ul class="documents">
        {(files.data ?? []).map((file) => (
          <li key={file.id} data-file={file.id}>
            {file.downloadable ? (
              <a href={`${casePath}/files/${encodeURIComponent(file.id)}`} download={file.filename}>
                {file.filename}
              </a>
            ) : (
              <span title="含申请人身份信息，仅受理员、管理员可下载">{file.filename}</span>
            )}
            <span class="muted small">
              {' '}
              {file.purposeLabel} · {sizeLabel(file.size)} · {file.uploadedBy === 'applicant' ? '申请人' : file.uploadedBy}{' '}
              {formatDateTime(file.uploadedAt)}
            </span>
            {file.deliveredToApplicant && <span class="badge">已送达申请人</span>}
          </li>
        ))}
      </ul>
      {upload && purposes.length > 0 && <UploadForm casePath={casePath} purposes={purposes} onDone={files.refresh} />}
    </div>
  );
}

function UploadForm({ casePath, purposes, onDone }: { casePath: string; purposes: string[]; onDone(): Promise<void> }) {
  const [purpose, setPurpose] = useState(purposes[0]!);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return setMessage({ error: true, text: '请选择文件' });
    setBusy(true);
    setMessage(null);
    try {
      const stored = await api.uploadFile(casePath, purpose, file);
      setMessage({ error: false, text: `已上传：${stored.filename}` });
      setFile(null);
      (event.target as HTMLFormElement).reset();
      await onDone();
    } catch (failure) {
      const text =
        failure instanceof ApiError && failure.status === 413
          ? `文件过大：${failure.message}`
          : failure instanceof ApiError && failure.status === 415
            ? `不接受此类文件：${failure.message}`
            : failure instanceof Error
              ? failure.message
              : String(failure);
      setMessage({ error: true, text });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="upload" style={STACKED} onSubmit={(event) => void submit(event)}>
      <label style={STACKED}>
        类别
        <select name="purpose" value={purpose} onChange={(event) => setPurpose((event.target as HTMLSelectElement).value)}>
          {purposes.map((p) => (
            <option key={p} value={p}>
              {PURPOSE_LABELS[p] ?? p}
            </option>
          ))}
        </select>
      </label>
      <label style={STACKED}>
        文件（PDF、OFD、JPEG、PNG、DOCX、XLSX、TXT）
        <input type="file" name="file" onChange={(event) => setFile((event.target as HTMLInputElement).files?.[0] ?? null)} />
      </label>
      <button type="submit" disabled={busy} style={{ justifySelf: 'start' }}>
        {busy ? '上传中…' : '上传附件'}
      </button>
      {message && (
        <p class={message.error ? 'form-error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </form>
  );
}

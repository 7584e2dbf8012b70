/**
 * The citizen portal (/apply/): 网上申请 (the application form of domain.md §3 with attachments
 * and an explicit consent), the receipt with the 查询码 and the 登记回执 as PDF, and 进度查询
 * (查询码 plus the last four characters of the ID number or phone): stage, reply-by date and
 * how it was reached, the notices issued, the reply and disclosed files once delivered, and
 * the correction when one is asked for.
 *
 * Accessible by design: every control has a visible label, hints and errors are tied to their
 * field (aria-describedby, aria-invalid), an error summary takes focus and links to each field,
 * progress is announced (role=status), and sizes are in rem so enlarged text reflows.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { checkIdNumber } from '../../domain/identity';
import {
  type Access,
  ATTACHMENT_KINDS,
  type AttachmentKind,
  download,
  type FieldError,
  lookUp,
  PortalError,
  type Progress,
  progress as fetchProgress,
  submitApplication,
  submitCorrection,
  type Submitted,
  upload,
  type Agency,
  agencies as fetchAgencies,
} from './api';

const BASE = '/apply/';
type View = 'home' | 'new' | 'receipt' | 'track';

function viewOf(pathname: string): View {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '';
  return rest === 'new' ? 'new' : rest === 'receipt' ? 'receipt' : rest === 'track' ? 'track' : 'home';
}

export function App() {
  const [view, setView] = useState<View>(viewOf(location.pathname));
  const [submitted, setSubmitted] = useState<{ result: Submitted; uploads: UploadOutcome[] } | null>(null);
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    const onPop = () => setView(viewOf(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const go = (next: View) => {
    history.pushState(null, '', next === 'home' ? BASE : `${BASE}${next}`);
    setView(next);
    scrollTo(0, 0);
    // Screen readers start at the new page's heading.
    setTimeout(() => main.current?.querySelector<HTMLElement>('h1')?.focus(), 0);
  };

  const TITLES: Record<View, string> = { home: '政府信息公开网上申请', new: '网上申请', receipt: '申请已提交', track: '进度查询' };
  useEffect(() => {
    document.title = `${TITLES[view]} - 政府信息公开`;
  }, [view]);

  return (
    <>
      <a class="skip" href="#main">
        跳到正文
      </a>
      <header class="site">
        <div class="wrap">
          <a
            class="brand"
            href={BASE}
            onClick={(e) => {
              e.preventDefault();
              go('home');
            }}
          >
            政府信息公开 · 依申请公开
          </a>
          <nav aria-label="主导航">
            <a
              href={`${BASE}new`}
              aria-current={view === 'new' ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go('new');
              }}
            >
              网上申请
            </a>
            <a
              href={`${BASE}track`}
              aria-current={view === 'track' ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go('track');
              }}
            >
              进度查询
            </a>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} class="wrap">
        {view === 'home' && <Home go={go} />}
        {view === 'new' && (
          <ApplyForm
            onDone={(result, uploads) => {
              setSubmitted({ result, uploads });
              go('receipt');
            }}
          />
        )}
        {view === 'receipt' && (submitted ? <Receipt {...submitted} go={go} /> : <Home go={go} />)}
        {view === 'track' && <Track />}
      </main>
      <footer class="site">
        <div class="wrap">依据《中华人民共和国政府信息公开条例》办理。本平台不使用任何第三方服务。</div>
      </footer>
    </>
  );
}

function Home({ go }: { go: (v: View) => void }) {
  return (
    <>
      <h1 tabIndex={-1}>政府信息公开网上申请</h1>
      <p>公民、法人或者其他组织可以在这里向本机关申请获取政府信息，并查询办理进度、下载答复。</p>
      <div class="cards">
        <section class="card">
          <h2>网上申请</h2>
          <p>填写申请表、上传身份证明等材料。提交后您会得到一个查询码；本机关确认收到申请之日起计算答复期限。</p>
          <button type="button" class="primary" onClick={() => go('new')}>
            开始申请
          </button>
        </section>
        <section class="card">
          <h2>进度查询</h2>
          <p>凭查询码和证件号码或电话号码的后四位，查看办理进度、答复期限和本机关发出的文书。</p>
          <button type="button" onClick={() => go('track')}>
            查询进度
          </button>
        </section>
      </div>
    </>
  );
}

// ---- form pieces ----------------------------------------------------------------------------

type Values = Record<string, string | boolean>;

const fieldId = (name: string) => `f-${name.replace(/\./g, '-')}`;

/** Server messages (English, for developers) in the applicant's words; unknown ones as sent. */
function inChinese(message: string): string {
  if (message === 'is required' || /^Invalid input: expected (string|boolean), received undefined$/.test(message)) return '此项为必填';
  if (message.startsWith('must be given')) return '请勾选同意';
  if (message.includes('check character') || message.includes('check digit')) return '号码校验位不正确，请核对';
  if (message.includes('birth date')) return '号码中的出生日期不正确，请核对';
  if (message.startsWith('must be 5–30')) return '请填写5至30位字母、数字或短横线';
  if (message === 'must be a phone number') return '请填写正确的电话号码';
  if (message.includes('e-mail') || message === 'Invalid email address') return '请填写正确的电子邮箱';
  if (message === 'must be six digits') return '邮政编码为6位数字';
  if (message.startsWith('organisations are identified')) return '法人或其他组织请选择统一社会信用代码';
  if (message.startsWith('is required when a fee waiver')) return '申请减免费用须说明理由';
  if (message.startsWith('is required for delivery by e-mail')) return '选择电子邮件方式须填写电子邮箱';
  if (message.startsWith('must be at most')) return `内容过长（${message.replace(/\D+/g, '')}字以内）`;
  return message;
}

interface FieldProps {
  name: string;
  label: string;
  values: Values;
  errors: Record<string, string>;
  set: (name: string, value: string | boolean) => void;
  required?: boolean;
  hint?: string;
}

function Described({ name, hint, error }: { name: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <p class="hint" id={`${fieldId(name)}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${fieldId(name)}-error`}>
          {error}
        </p>
      )}
    </>
  );
}

function describedBy(name: string, hint?: string, error?: string) {
  const ids = [hint ? `${fieldId(name)}-hint` : null, error ? `${fieldId(name)}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function TextField(
  props: FieldProps & {
    type?: 'text' | 'tel' | 'email';
    multiline?: boolean;
    autocomplete?: string;
    inputMode?: 'text' | 'tel' | 'numeric' | 'email';
    maxLength?: number;
  },
) {
  const { name, label, values, errors, set, required, hint } = props;
  const error = errors[name];
  const common = {
    id: fieldId(name),
    name,
    value: String(values[name] ?? ''),
    required,
    'aria-required': required ? 'true' : undefined,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': describedBy(name, hint, error),
    maxLength: props.maxLength,
    onInput: (e: Event) => set(name, (e.currentTarget as HTMLInputElement).value),
  } as Record<string, unknown>;
  return (
    <div class={`field${error ? ' invalid' : ''}`} data-field={name}>
      <label for={fieldId(name)}>
        {label}
        {required ? (
          <span class="req" aria-hidden="true">
            ＊
          </span>
        ) : (
          <span class="opt">（选填）</span>
        )}
      </label>
      {props.multiline ? (
        <textarea rows={5} {...common} />
      ) : (
        <input
          {...({ type: props.type ?? 'text', autoComplete: props.autocomplete, inputMode: props.inputMode, ...common } as Record<
            string,
            unknown
          >)}
        />
      )}
      <Described name={name} hint={hint} error={error} />
    </div>
  );
}

function SelectField(props: FieldProps & { options: Record<string, string> }) {
  const { name, label, values, errors, set, hint } = props;
  const error = errors[name];
  return (
    <div class={`field${error ? ' invalid' : ''}`} data-field={name}>
      <label for={fieldId(name)}>
        {label}
        <span class="req" aria-hidden="true">
          ＊
        </span>
      </label>
      <select
        id={fieldId(name)}
        name={name}
        value={String(values[name] ?? '')}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, error)}
        onChange={(e) => set(name, e.currentTarget.value)}
      >
        {Object.entries(props.options).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
      <Described name={name} hint={hint} error={error} />
    </div>
  );
}

function Checkbox({ name, label, values, errors, set, hint }: FieldProps) {
  const error = errors[name];
  return (
    <div class={`field check${error ? ' invalid' : ''}`} data-field={name}>
      <input
        type="checkbox"
        id={fieldId(name)}
        name={name}
        checked={values[name] === true}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, error)}
        onChange={(e) => set(name, e.currentTarget.checked)}
      />
      <label for={fieldId(name)}>{label}</label>
      <Described name={name} hint={hint} error={error} />
    </div>
  );
}

/** An error summary that takes focus and links to each field (GOV.UK pattern). */
function ErrorSummary({ message, errors, labels }: { message: string; errors: Record<string, string>; labels: Record<string, string> }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), [message, errors]);
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={box}>
      <h2>{message}</h2>
      {Object.keys(errors).length > 0 && (
        <ul>
          {Object.entries(errors).map(([field, text]) => (
            <li key={field}>
              <a href={`#${fieldId(field)}`}>
                {labels[field] ?? field}：{text}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function fieldErrors(details: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) out[d.field] ??= inChinese(d.message);
  return out;
}

// ---- 网上申请 ---------------------------------------------------------------------------------

const APPLICANT_TYPES = {
  'natural-person': '公民（自然人）',
  commercial: '商业企业',
  research: '科研机构',
  'public-interest': '社会公益组织',
  'legal-services': '法律服务机构',
  'other-organisation': '其他组织',
};
const ID_TYPES = {
  'resident-id': '居民身份证',
  passport: '护照',
  'hk-macau-permit': '港澳居民来往内地通行证',
  'taiwan-permit': '台湾居民来往大陆通行证',
  other: '其他证件',
};
const FORMS = { paper: '纸质', email: '电子邮件', disc: '光盘' };
const DELIVERIES = { post: '邮寄', email: '电子邮件', fax: '传真', 'pick-up': '自行领取' };

const LABELS: Record<string, string> = {
  'applicant.type': '申请人类型',
  'applicant.name': '姓名或名称',
  'applicant.contactPerson': '联系人',
  'applicant.idType': '证件类型',
  'applicant.idNumber': '证件号码',
  'applicant.phone': '联系电话',
  'applicant.email': '电子邮箱',
  'applicant.address': '通信地址',
  'applicant.postcode': '邮政编码',
  agencyCode: '申请的机关',
  description: '所需政府信息的名称、文号或描述',
  purpose: '用途',
  form: '获取信息的方式',
  delivery: '获取信息的途径',
  feeWaiverRequested: '申请减免信息处理费',
  feeWaiverReason: '减免理由',
  consent: '同意',
  attachments: '附件',
  body: '请求',
};

const MAX_FILE_MB = 10;
const ACCEPT = '.pdf,.ofd,.jpg,.jpeg,.png,.docx,.xlsx,.txt,application/pdf,image/jpeg,image/png';

export interface UploadOutcome {
  kind: AttachmentKind;
  name: string;
  ok: boolean;
  message?: string;
}

function ApplyForm({ onDone }: { onDone: (result: Submitted, uploads: UploadOutcome[]) => void }) {
  const [values, setValues] = useState<Values>({
    'applicant.type': 'natural-person',
    'applicant.idType': 'resident-id',
    form: 'email',
    delivery: 'email',
    feeWaiverRequested: false,
    consent: false,
  });
  const [files, setFiles] = useState<Record<AttachmentKind, File[]>>({ 'id-copy': [], 'business-licence': [], supporting: [] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [status, setStatus] = useState<string>('');
  const [busy, setBusy] = useState(false);
  // One platform may serve several agencies: the applicant chooses which one, once there is a choice.
  const [agencyList, setAgencyList] = useState<Agency[]>([]);
  useEffect(() => {
    fetchAgencies()
      .then((a) => {
        setAgencyList(a.items);
        setValues((v) => (v.agencyCode ? v : { ...v, agencyCode: a.default }));
      })
      .catch(() => undefined); // without the list, the application goes to the deployment's own agency
  }, []);

  const organisation = values['applicant.type'] !== 'natural-person';
  const set = (name: string, value: string | boolean) => {
    setValues((v) => {
      const next = { ...v, [name]: value };
      if (name === 'applicant.type') next['applicant.idType'] = value === 'natural-person' ? 'resident-id' : 'unified-credit-code';
      return next;
    });
    if (errors[name]) setErrors(({ [name]: _gone, ...rest }) => rest);
  };
  const field = { values, errors, set };

  /** Checks the browser can make before sending (the server checks all again). */
  function localErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const required = [
      'applicant.name',
      'applicant.idNumber',
      'applicant.phone',
      'applicant.address',
      'description',
      ...(organisation ? ['applicant.contactPerson'] : []),
    ];
    for (const name of required) if (!String(values[name] ?? '').trim()) out[name] = '此项为必填';
    const id = String(values['applicant.idNumber'] ?? '').trim();
    if (id) {
      const check = checkIdNumber(String(values['applicant.idType']), id);
      if (check && !check.ok)
        out['applicant.idNumber'] =
          check.problem === 'check-digit'
            ? '号码校验位不正确，请核对'
            : check.problem === 'birth-date'
              ? '号码中的出生日期不正确，请核对'
              : '号码的位数或字符不正确';
    }
    if ((values.delivery === 'email' || values.form === 'email') && !String(values['applicant.email'] ?? '').trim())
      out['applicant.email'] = '选择电子邮件方式须填写电子邮箱';
    if (values.feeWaiverRequested === true && !String(values.feeWaiverReason ?? '').trim()) out.feeWaiverReason = '申请减免费用须说明理由';
    for (const [kind, list] of Object.entries(files)) {
      for (const f of list) if (f.size > MAX_FILE_MB * 1024 * 1024) out[`attachments.${kind}`] = `「${f.name}」超过${MAX_FILE_MB}MB`;
    }
    if (values.consent !== true) out.consent = '请勾选同意';
    return out;
  }

  function body() {
    const text = (name: string) => {
      const v = String(values[name] ?? '').trim();
      return v === '' ? undefined : v;
    };
    return {
      ...(agencyList.length > 1 && values.agencyCode ? { agencyCode: values.agencyCode } : {}),
      applicant: {
        type: values['applicant.type'],
        name: text('applicant.name'),
        ...(organisation ? { contactPerson: text('applicant.contactPerson') } : {}),
        idType: values['applicant.idType'],
        idNumber: text('applicant.idNumber'),
        phone: text('applicant.phone'),
        email: text('applicant.email'),
        address: text('applicant.address'),
        postcode: text('applicant.postcode'),
      },
      description: text('description'),
      purpose: text('purpose'),
      form: values.form,
      delivery: values.delivery,
      feeWaiverRequested: values.feeWaiverRequested === true,
      ...(values.feeWaiverRequested === true ? { feeWaiverReason: text('feeWaiverReason') } : {}),
      consent: values.consent === true,
    };
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const local = localErrors();
    setErrors(local);
    if (Object.keys(local).length > 0) {
      setFailure('请修改以下内容后再提交');
      return;
    }
    setFailure(null);
    setBusy(true);
    try {
      setStatus('正在进行安全验证，请稍候…');
      const result = await submitApplication(body(), () => setStatus('正在进行安全验证，请稍候…'));
      const uploads: UploadOutcome[] = [];
      const all = (Object.entries(files) as Array<[AttachmentKind, File[]]>).flatMap(([kind, list]) => list.map((f) => [kind, f] as const));
      for (const [i, [kind, file]] of all.entries()) {
        setStatus(`申请已提交，正在上传材料（${i + 1}/${all.length}）…`);
        try {
          await upload(result.access, kind, file);
          uploads.push({ kind, name: file.name, ok: true });
        } catch (error) {
          uploads.push({ kind, name: file.name, ok: false, message: error instanceof PortalError ? error.message : '上传失败' });
        }
      }
      setStatus('');
      onDone(result, uploads);
    } catch (error) {
      setStatus('');
      if (error instanceof PortalError) {
        setErrors(fieldErrors(error.details.filter((d) => d.field !== 'X-Proof-Of-Work')));
        setFailure(error.status === 400 && error.code === 'validation_failed' ? '请修改以下内容后再提交' : error.message);
      } else setFailure('网络连接失败，请检查网络后重试');
    } finally {
      setBusy(false);
    }
  }

  const fileInput = (kind: AttachmentKind, hint: string, multiple = false) => {
    const name = `attachments.${kind}`;
    const error = errors[name];
    return (
      <div class={`field${error ? ' invalid' : ''}`} data-field={name}>
        <label for={fieldId(name)}>
          {ATTACHMENT_KINDS[kind]}
          <span class="opt">（选填）</span>
        </label>
        <input
          type="file"
          id={fieldId(name)}
          name={name}
          accept={ACCEPT}
          multiple={multiple}
          aria-describedby={describedBy(name, hint, error)}
          onChange={(e) => {
            const list = Array.from(e.currentTarget.files ?? []);
            setFiles((f) => ({ ...f, [kind]: list }));
            if (errors[name]) setErrors(({ [name]: _gone, ...rest }) => rest);
          }}
        />
        <Described name={name} hint={hint} error={error} />
      </div>
    );
  };

  return (
    <form data-form="apply" noValidate onSubmit={submit} aria-busy={busy}>
      <h1 tabIndex={-1}>网上申请</h1>
      <p>
        带 <span class="req">＊</span>{' '}
        的为必填项。提交后，本机关确认收到申请之日为收到申请之日，自该日起计算答复期限（《政府信息公开条例》第三十一条、第三十三条）。
      </p>
      {failure && (
        <ErrorSummary
          message={failure}
          errors={errors}
          labels={{
            ...LABELS,
            'attachments.id-copy': '身份证明',
            'attachments.business-licence': '营业执照',
            'attachments.supporting': '其他材料',
          }}
        />
      )}

      {agencyList.length > 1 && (
        <fieldset>
          <legend>申请的机关</legend>
          <SelectField
            name="agencyCode"
            label="向哪个机关申请"
            options={Object.fromEntries(agencyList.map((a) => [a.code, a.name]))}
            hint="请选择制作或保存所需信息的机关"
            {...field}
          />
        </fieldset>
      )}

      <fieldset>
        <legend>申请人信息</legend>
        <SelectField name="applicant.type" label="申请人类型" options={APPLICANT_TYPES} {...field} />
        <TextField
          name="applicant.name"
          label={organisation ? '名称' : '姓名'}
          required
          autocomplete={organisation ? 'organization' : 'name'}
          maxLength={100}
          {...field}
        />
        {organisation && <TextField name="applicant.contactPerson" label="法定代表人或联系人" required maxLength={50} {...field} />}
        {organisation ? (
          <div class="field" data-field="applicant.idType">
            <span class="label">证件类型</span>
            <p class="static">统一社会信用代码</p>
          </div>
        ) : (
          <SelectField name="applicant.idType" label="证件类型" options={ID_TYPES} {...field} />
        )}
        <TextField
          name="applicant.idNumber"
          label={organisation ? '统一社会信用代码' : '证件号码'}
          required
          hint={organisation ? '18位，含校验码' : '居民身份证为18位，最后一位可能是X'}
          maxLength={30}
          autocomplete="off"
          {...field}
        />
        <TextField
          name="applicant.phone"
          label="联系电话"
          type="tel"
          required
          autocomplete="tel"
          inputMode="tel"
          maxLength={20}
          {...field}
        />
        <TextField
          name="applicant.email"
          label="电子邮箱"
          type="email"
          autocomplete="email"
          hint="选择以电子邮件获取信息时必填"
          maxLength={200}
          {...field}
        />
        <TextField name="applicant.address" label="通信地址" required autocomplete="street-address" maxLength={200} {...field} />
        <TextField name="applicant.postcode" label="邮政编码" inputMode="numeric" autocomplete="postal-code" maxLength={6} {...field} />
      </fieldset>

      <fieldset>
        <legend>所需信息</legend>
        <TextField
          name="description"
          label="所需政府信息的名称、文号或者便于查询的其他特征性描述"
          required
          multiline
          maxLength={4000}
          hint="请尽量写明信息的名称、文号、形成时间等，便于本机关查找"
          {...field}
        />
        <TextField name="purpose" label="用途" multiline maxLength={1000} {...field} />
        <SelectField name="form" label="获取信息的方式" options={FORMS} {...field} />
        <SelectField name="delivery" label="获取信息的途径" options={DELIVERIES} {...field} />
        <Checkbox
          name="feeWaiverRequested"
          label="申请减免信息处理费"
          hint="依照国办函〔2020〕109号，确有经济困难的可以申请减免"
          {...field}
        />
        {values.feeWaiverRequested === true && (
          <TextField name="feeWaiverReason" label="减免理由" required multiline maxLength={1000} {...field} />
        )}
      </fieldset>

      <fieldset>
        <legend>附件</legend>
        <p class="hint">支持 PDF、OFD、JPG、PNG、DOCX、XLSX、TXT，每个文件不超过{MAX_FILE_MB}MB。文件类型按内容识别。</p>
        {fileInput('id-copy', organisation ? '经办人身份证件复印件或照片' : '身份证件复印件或照片')}
        {organisation && fileInput('business-licence', '营业执照或其他登记证书')}
        {fileInput('supporting', '可以选择多个文件', true)}
      </fieldset>

      <fieldset>
        <legend>声明</legend>
        <Checkbox
          name="consent"
          label="本人确认以上信息真实，并同意本机关为办理本申请处理本人的个人信息（包括证件号码和联系方式），仅用于办理和答复本申请。"
          {...field}
        />
      </fieldset>

      <p class="status" role="status" aria-live="polite">
        {status}
      </p>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? '正在提交…' : '提交申请'}
      </button>
    </form>
  );
}

// ---- 回执 -------------------------------------------------------------------------------------

function DownloadButton({
  access,
  what,
  filename,
  children,
}: {
  access: Access;
  what: { docNo: string } | { fileId: string };
  filename: string;
  children: ComponentChildren;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        class="link"
        onClick={() =>
          download(access, what, filename).then(
            () => setError(null),
            (e) => setError(e instanceof PortalError ? e.message : '下载失败'),
          )
        }
      >
        {children}
      </button>
      {error && (
        <span class="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

function Receipt({ result, uploads, go }: { result: Submitted; uploads: UploadOutcome[]; go: (v: View) => void }) {
  const failed = uploads.filter((u) => !u.ok);
  return (
    <section data-page="receipt">
      <h1 tabIndex={-1}>申请已提交</h1>
      <div class="receipt">
        <p>您的查询码</p>
        <p class="query-code" data-query-code={result.queryCode} aria-label={`查询码 ${result.queryCode.split('').join(' ')}`}>
          {result.queryCode}
        </p>
        <p>
          案件编号：<span class="case-no">{result.caseNo}</span>
        </p>
        <p>
          申请的机关：<span class="agency">{result.progress.agency.name}</span>
        </p>
      </div>
      <p>
        <strong>请妥善保存查询码。</strong>查询办理进度时，须同时提供证件号码或联系电话的后四位。
      </p>
      <p>
        本机关将确认收到您的申请，自确认收到之日起计算答复期限；当前状态：<span class="stage">{result.progress.stageLabel}</span>。
      </p>
      {result.receipt && (
        <p>
          <DownloadButton access={result.access} what={{ docNo: result.receipt.docNo }} filename={`登记回执-${result.receipt.docNo}.pdf`}>
            下载{result.receipt.title}（PDF）
          </DownloadButton>
        </p>
      )}
      {uploads.length > 0 && (
        <>
          <h2>材料</h2>
          <ul class="uploads">
            {uploads.map((u, i) => (
              <li key={i} data-upload={u.ok ? 'ok' : 'failed'}>
                {ATTACHMENT_KINDS[u.kind]}：{u.name} — {u.ok ? '已上传' : `未上传（${u.message}）`}
              </li>
            ))}
          </ul>
          {failed.length > 0 && <p class="field-error">部分材料未能上传。本机关确认收到申请前，您可以在“进度查询”中重新上传。</p>}
        </>
      )}
      <p>
        <button type="button" onClick={() => go('track')}>
          查询办理进度
        </button>
      </p>
    </section>
  );
}

// ---- 进度查询 ---------------------------------------------------------------------------------

function Track() {
  const [values, setValues] = useState<Values>({ queryCode: '', factor: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [found, setFound] = useState<{ access: Access; progress: Progress } | null>(null);
  const set = (name: string, value: string | boolean) => setValues((v) => ({ ...v, [name]: value }));

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const queryCode = String(values.queryCode).trim().toUpperCase();
    const factor = String(values.factor).trim().toUpperCase();
    const local: Record<string, string> = {};
    if (!/^[A-Z0-9]{10}$/.test(queryCode)) local.queryCode = '查询码为10位字母或数字';
    if (!/^[0-9A-Z]{4}$/.test(factor)) local.factor = '请填写4位字母或数字';
    setErrors(local);
    if (Object.keys(local).length > 0) {
      setFailure('请修改以下内容后再查询');
      return;
    }
    setBusy(true);
    setFailure(null);
    setStatus('正在进行安全验证并查询，请稍候…');
    try {
      setFound(await lookUp(queryCode, factor));
    } catch (error) {
      setFailure(
        error instanceof PortalError
          ? error.status === 404
            ? '查询码或验证信息不正确，请核对后重试'
            : error.message
          : '网络连接失败，请检查网络后重试',
      );
    } finally {
      setBusy(false);
      setStatus('');
    }
  }

  if (found) return <ProgressView access={found.access} initial={found.progress} onLeave={() => setFound(null)} />;
  return (
    <form data-form="lookup" noValidate onSubmit={submit} aria-busy={busy}>
      <h1 tabIndex={-1}>进度查询</h1>
      {failure && <ErrorSummary message={failure} errors={errors} labels={{ queryCode: '查询码', factor: '后四位' }} />}
      <TextField
        name="queryCode"
        label="查询码"
        required
        autocomplete="off"
        maxLength={10}
        hint="提交申请后得到的10位查询码，见登记回执"
        values={values}
        errors={errors}
        set={set}
      />
      <TextField
        name="factor"
        label="证件号码或联系电话的后四位"
        required
        autocomplete="off"
        maxLength={4}
        hint="申请时填写的证件号码或联系电话的最后四位"
        values={values}
        errors={errors}
        set={set}
      />
      <p class="status" role="status" aria-live="polite">
        {status}
      </p>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? '正在查询…' : '查询'}
      </button>
    </form>
  );
}

function ProgressView({ access, initial, onLeave }: { access: Access; initial: Progress; onLeave: () => void }) {
  const [p, setP] = useState(initial);
  const [message, setMessage] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const refresh = async () => {
    try {
      setP(await fetchProgress(access));
      setMessage('已刷新');
    } catch (error) {
      setMessage(error instanceof PortalError ? error.message : '刷新失败');
    }
  };
  return (
    <section data-page="progress">
      <h1 tabIndex={-1} ref={heading}>
        办理进度
      </h1>
      <dl class="facts">
        <dt>案件编号</dt>
        <dd class="case-no">{p.caseNo}</dd>
        <dt>申请的机关</dt>
        <dd class="agency" data-agency={p.agency.code}>
          {p.agency.name}
        </dd>
        <dt>当前状态</dt>
        <dd class="stage" data-stage={p.stage}>
          {p.stageLabel}
          {p.paused ? '（期限暂停计算中）' : ''}
        </dd>
        <dt>收到申请日期</dt>
        <dd class="received-on">{p.receivedOn ?? '等待本机关确认收到'}</dd>
        <dt>答复期限</dt>
        <dd class="reply-due">{replyDueText(p)}</dd>
      </dl>
      {p.transferredTo && (
        <section class="transferred" aria-labelledby="transferred-h" data-transferred-to={p.transferredTo.agencyCode}>
          <h2 id="transferred-h">已转由{p.transferredTo.agencyName}办理</h2>
          <p>
            您的申请已转交{p.transferredTo.agencyName}办理（案件编号 {p.transferredTo.caseNo}）。当前状态：
            <span class="stage">{p.transferredTo.stageLabel}</span>
            {p.transferredTo.closed ? '' : p.transferredTo.replyDue ? `；答复期限：${p.transferredTo.replyDue}` : ''}。
          </p>
        </section>
      )}
      {p.replyClock && p.replyClock.derivation.length > 0 && (
        <section class="derivation" aria-labelledby="derivation-h">
          <h2 id="derivation-h">答复期限是怎样计算的</h2>
          <ol>
            {p.replyClock.derivation.map((s, i) => (
              <li key={i}>
                {s.text}
                {s.dueAfter ? `；答复期限为 ${s.dueAfter}` : ''}
              </li>
            ))}
          </ol>
          <p class="hint">期限按工作日计算，法定节假日和调休按国务院办公厅公布的安排计。</p>
        </section>
      )}
      {p.correction && <Correction access={access} progress={p} onChanged={setP} />}
      {p.reply && (
        <section class="reply" aria-labelledby="reply-h">
          <h2 id="reply-h">答复</h2>
          <p>
            <DownloadButton access={access} what={{ docNo: p.reply.docNo }} filename={`${p.reply.title}-${p.reply.docNo}.pdf`}>
              下载{p.reply.title}（PDF）
            </DownloadButton>
          </p>
          {p.deliveredFiles.length > 0 && (
            <>
              <h3>公开的政府信息</h3>
              <ul class="delivered-files">
                {p.deliveredFiles.map((f) => (
                  <li key={f.id}>
                    <DownloadButton access={access} what={{ fileId: f.id }} filename={f.filename}>
                      {f.filename}
                    </DownloadButton>
                    （{sizeLabel(f.size)}）
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      <section class="notices" aria-labelledby="notices-h">
        <h2 id="notices-h">本机关发出的文书</h2>
        {p.notices.length === 0 ? (
          <p>暂无</p>
        ) : (
          <ul>
            {p.notices.map((n) => (
              <li key={n.docNo} data-doc={n.docNo}>
                {n.issuedOn} {n.title}（{n.docNo}）{' '}
                <DownloadButton access={access} what={{ docNo: n.docNo }} filename={`${n.title}-${n.docNo}.pdf`}>
                  下载 PDF
                </DownloadButton>
              </li>
            ))}
          </ul>
        )}
      </section>
      {p.uploadsOpenFor === 'application-material' && <MoreMaterials access={access} onUploaded={refresh} />}
      {p.attachments.length > 0 && (
        <section aria-labelledby="sent-h">
          <h2 id="sent-h">您提交的材料</h2>
          <ul class="attachments">
            {p.attachments.map((f) => (
              <li key={f.id}>
                {f.filename}（{sizeLabel(f.size)}）
              </li>
            ))}
          </ul>
        </section>
      )}
      <p class="status" role="status" aria-live="polite">
        {message}
      </p>
      <p class="actions">
        <button type="button" onClick={refresh}>
          刷新
        </button>
        <button type="button" onClick={onLeave}>
          查询其他申请
        </button>
      </p>
    </section>
  );
}

function replyDueText(p: Progress): ComponentChildren {
  if (p.replyClock?.status === 'stopped') return p.reply ? '已答复' : '已办结';
  if (p.replyDue) return <strong>{p.replyDue}</strong>;
  if (!p.receivedOn) return '本机关确认收到申请后起算';
  return '暂停计算中';
}

const sizeLabel = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)}MB` : `${Math.max(1, Math.round(bytes / 1024))}KB`;

function MoreMaterials({ access, onUploaded }: { access: Access; onUploaded: () => Promise<void> }) {
  const [kind, setKind] = useState<AttachmentKind>('supporting');
  const [status, setStatus] = useState('');
  const input = useRef<HTMLInputElement>(null);
  async function send(e: Event) {
    e.preventDefault();
    const list = Array.from(input.current?.files ?? []);
    if (list.length === 0) return setStatus('请选择文件');
    for (const file of list) {
      try {
        await upload(access, kind, file);
      } catch (error) {
        return setStatus(`「${file.name}」未上传：${error instanceof PortalError ? error.message : '上传失败'}`);
      }
    }
    setStatus('已上传');
    if (input.current) input.current.value = '';
    await onUploaded();
  }
  return (
    <form class="more" data-form="materials" onSubmit={send}>
      <h2>补充上传申请材料</h2>
      <p class="hint">本机关确认收到申请前，可以补充上传材料。</p>
      <div class="field">
        <label for="more-kind">材料类型</label>
        <select id="more-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as AttachmentKind)}>
          {Object.entries(ATTACHMENT_KINDS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="more-files">文件</label>
        <input id="more-files" type="file" multiple accept={ACCEPT} ref={input} />
      </div>
      <p class="status" role="status" aria-live="polite">
        {status}
      </p>
      <button type="submit">上传</button>
    </form>
  );
}

function Correction({ access, progress: p, onChanged }: { access: Access; progress: Progress; onChanged: (p: Progress) => void }) {
  const [statement, setStatement] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const files = useRef<HTMLInputElement>(null);
  const c = p.correction!;

  async function send(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!statement.trim()) return setError('请填写补正后的申请内容');
    setBusy(true);
    setError(null);
    try {
      const list = Array.from(files.current?.files ?? []);
      for (const [i, file] of list.entries()) {
        setStatus(`正在上传补正材料（${i + 1}/${list.length}）…`);
        await upload(access, 'supporting', file);
      }
      setStatus('正在提交…');
      onChanged(await submitCorrection(access, statement.trim()));
      setStatus('补正已提交，答复期限自今日重新起算');
    } catch (failure) {
      setStatus('');
      setError(failure instanceof PortalError ? failure.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="correction" aria-labelledby="correction-h">
      <h2 id="correction-h">补正</h2>
      <p>
        本机关于 {c.requestedOn} 告知需要补正以下事项{c.correctBy ? `，请在 ${c.correctBy} 前提交` : ''}：
      </p>
      <ul>
        {c.items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
      {c.correctedOn && <p>已于 {c.correctedOn} 收到补正。</p>}
      {c.canSubmit && (
        <form data-form="correction" noValidate onSubmit={send} aria-busy={busy}>
          <div class={`field${error ? ' invalid' : ''}`}>
            <label for="correction-statement">
              补正后的申请内容
              <span class="req" aria-hidden="true">
                ＊
              </span>
            </label>
            <textarea
              id="correction-statement"
              rows={6}
              maxLength={4000}
              required
              aria-required="true"
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? 'correction-error' : undefined}
              value={statement}
              onInput={(e) => setStatement(e.currentTarget.value)}
            />
            {error && (
              <p class="field-error" id="correction-error" role="alert">
                {error}
              </p>
            )}
          </div>
          <div class="field">
            <label for="correction-files">
              补正材料<span class="opt">（选填）</span>
            </label>
            <input id="correction-files" type="file" multiple accept={ACCEPT} ref={files} />
          </div>
          <p class="status" role="status" aria-live="polite">
            {status}
          </p>
          <button type="submit" class="primary" disabled={busy}>
            提交补正
          </button>
        </form>
      )}
    </section>
  );
}

/**
 * A form generated from a request body's JSON schema (as the API's OpenAPI document gives
 * it): strings, dates, enums as selects, numbers, booleans, string lists (one per line) and
 * nested objects as fieldsets. The server stays the judge: a 400 puts each detail's message
 * next to its field, any other refusal (409's Chinese reason, 403) shows above the buttons.
 */
import { useState } from 'preact/hooks';
import { ApiError, type JsonSchema } from '../api';
import { enumLabel, fieldLabel, fieldMessage } from '../labels';

type Value = string | boolean;
type Values = Record<string, Value>;
export interface FormLabels {
  /** Field labels by path or by field name. */
  fields?: Record<string, string>;
  /** Value labels of enumerated fields, by field name. */
  values?: Record<string, Record<string, string>>;
}
export interface Choice {
  value: string;
  label: string;
}

export interface SchemaFormProps {
  /** Names the form for tests and styling (data-form). */
  name: string;
  schema: JsonSchema;
  /** Initial values by field path ('applicant.type'); overrides the schema's defaults. */
  initial?: Record<string, Value>;
  /** Choices for fields the schema leaves open (e.g. rule profiles, known to another endpoint). */
  options?: Record<string, Choice[]>;
  /** A kind's own wording, before the shared tables of labels.ts. */
  labels?: FormLabels;
  submitLabel?: string;
  onSubmit(body: Record<string, unknown>): Promise<void>;
  onCancel?(): void;
}

export const todayInShanghai = (): string => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** The choices of an enum, or of an anyOf whose members are single-value enums (zod unions of literals). */
function choicesOf(schema: JsonSchema): Array<string | number> | null {
  if (schema.enum) return schema.enum;
  if (schema.anyOf?.every((member) => member.enum?.length === 1)) return schema.anyOf.map((member) => member.enum![0]!);
  return null;
}

const isStringList = (schema: JsonSchema) => schema.type === 'array' && (schema.items?.type ?? 'string') === 'string';

function initialValues(schema: JsonSchema, prefix: string, out: Values): Values {
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const required = schema.required?.includes(key) ?? false;
    if (child.type === 'object') initialValues(child, path, out);
    else if (child.type === 'boolean') out[path] = child.default === true;
    else if (child.default !== undefined) out[path] = String(child.default);
    else if (child.format === 'date' && required) out[path] = todayInShanghai();
    else if (required && choicesOf(child)?.length === 1) out[path] = String(choicesOf(child)![0]);
  }
  return out;
}

/** Turns the flat form values back into the body the schema describes; blanks are left out. */
function bodyOf(schema: JsonSchema, values: Values, prefix = ''): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const raw = values[path];
    if (child.type === 'object') {
      body[key] = bodyOf(child, values, path);
    } else if (child.type === 'boolean') {
      body[key] = raw === true;
    } else if (isStringList(child)) {
      const lines = String(raw ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      if (lines.length > 0 || schema.required?.includes(key)) body[key] = lines;
    } else if (typeof raw === 'string' && raw.trim() !== '' && child.format === 'date-time') {
      // datetime-local is the browser's local time without an offset; the API wants an instant.
      const instant = new Date(raw);
      body[key] = Number.isNaN(instant.getTime()) ? raw : instant.toISOString();
    } else if (typeof raw === 'string' && raw.trim() !== '') {
      const choices = choicesOf(child);
      const numeric = child.type === 'number' || child.type === 'integer' || (choices !== null && typeof choices[0] === 'number');
      // A number that does not parse goes as typed, so the server names the field.
      body[key] = numeric && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    }
  }
  return body;
}

export function SchemaForm({
  name,
  schema,
  initial,
  options = {},
  labels = {},
  submitLabel = '提交',
  onSubmit,
  onCancel,
}: SchemaFormProps) {
  const labelOf = (path: string) => labels.fields?.[path] ?? labels.fields?.[path.split('.').pop()!] ?? fieldLabel(path);
  const [values, setValues] = useState<Values>(() => ({ ...initialValues(schema, '', {}), ...initial }));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (path: string, value: Value) => setValues((current) => ({ ...current, [path]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    try {
      await onSubmit(bodyOf(schema, values));
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.details.length > 0) {
        const known: Record<string, string> = {};
        const unplaced: string[] = [];
        for (const detail of error.details) {
          const message = fieldMessage(detail.message);
          if (detail.field in values || hasField(schema, detail.field))
            known[detail.field] = known[detail.field] ? `${known[detail.field]}；${message}` : message;
          else unplaced.push(`${labelOf(detail.field)}：${message}`);
        }
        setFieldErrors(known);
        setFormError(unplaced.length > 0 ? unplaced.join('；') : '请检查标红的字段');
      } else {
        setFormError(error instanceof Error ? error.message : String(error));
      }
    } finally {
      setBusy(false);
    }
  };

  const fields = (objectSchema: JsonSchema, prefix: string) =>
    Object.entries(objectSchema.properties ?? {}).map(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      const required = objectSchema.required?.includes(key) ?? false;
      if (child.type === 'object') {
        return (
          <fieldset key={path} class="nested">
            <legend>{labelOf(path)}</legend>
            {fields(child, path)}
          </fieldset>
        );
      }
      const valueLabels = labels.values?.[key];
      const choices =
        options[path] ??
        (valueLabels ? choicesOf(child)?.map((c) => ({ value: String(c), label: valueLabels[String(c)] ?? String(c) })) : undefined);
      return (
        <Field
          key={path}
          form={name}
          path={path}
          label={labelOf(path)}
          schema={child}
          options={choices}
          required={required}
          value={values[path]}
          error={fieldErrors[path]}
          onChange={set}
        />
      );
    });

  const empty = Object.keys(schema.properties ?? {}).length === 0;
  return (
    <form class="schema-form" data-form={name} onSubmit={submit} noValidate>
      {empty ? <p class="muted">此操作无需填写内容，确认后提交。</p> : fields(schema, '')}
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? '提交中…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel} disabled={busy}>
            取消
          </button>
        )}
      </div>
    </form>
  );
}

function hasField(schema: JsonSchema, path: string): boolean {
  let current: JsonSchema | undefined = schema;
  for (const segment of path.split('.')) current = current?.properties?.[segment];
  return current !== undefined;
}

interface FieldProps {
  form: string;
  path: string;
  label: string;
  schema: JsonSchema;
  options: Choice[] | undefined;
  required: boolean;
  value: Value | undefined;
  error: string | undefined;
  onChange(path: string, value: Value): void;
}

function Field({ form, path, label, schema, options, required, value, error, onChange }: FieldProps) {
  const id = `${form}-${path}`;
  const text = typeof value === 'string' ? value : '';
  const onInput = (event: Event) => onChange(path, (event.currentTarget as HTMLInputElement).value);
  const common = { id, name: path, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined };
  const choices: Choice[] | null =
    options ?? choicesOf(schema)?.map((choice) => ({ value: String(choice), label: enumLabel(path, choice) })) ?? null;
  let control;
  if (schema.type === 'boolean') {
    control = (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(event) => onChange(path, (event.currentTarget as HTMLInputElement).checked)}
      />
    );
  } else if (choices) {
    control = (
      <select {...common} value={text} onChange={onInput}>
        {(!required || text === '') && <option value="">{required ? '请选择…' : '（不填）'}</option>}
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    );
  } else if (isStringList(schema)) {
    control = <textarea {...common} rows={3} value={text} onInput={onInput} placeholder="每行一项" />;
  } else if (schema.type === 'integer' || schema.type === 'number') {
    control = (
      <input
        {...common}
        type="number"
        step={schema.type === 'integer' ? 1 : 'any'}
        min={schema.minimum}
        max={schema.maximum}
        value={text}
        onInput={onInput}
      />
    );
  } else if (schema.format === 'date') {
    control = <input {...common} type="date" value={text} onInput={onInput} />;
  } else if (schema.format === 'date-time') {
    control = <input {...common} type="datetime-local" value={text} onInput={onInput} />;
  } else if ((schema.maxLength ?? 0) > 200) {
    control = (
      <textarea {...common} rows={(schema.maxLength ?? 0) > 1000 ? 4 : 2} value={text} onInput={onInput} maxLength={schema.maxLength} />
    );
  } else if (schema.format === 'email') {
    control = <input {...common} type="email" value={text} onInput={onInput} maxLength={schema.maxLength} />;
  } else {
    control = <input {...common} type="text" value={text} onInput={onInput} maxLength={schema.maxLength} />;
  }
  return (
    <div class={`field${error ? ' has-error' : ''}${schema.type === 'boolean' ? ' checkbox' : ''}`} data-field={path}>
      <label for={id}>
        {label}
        {required && (
          <span class="required" title="必填">
            *
          </span>
        )}
      </label>
      {control}
      {error && (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

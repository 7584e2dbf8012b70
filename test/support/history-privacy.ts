/**
 * What a Temporal history holds, read the way its server, CLI or UI (without a codec) can:
 * every payload of every event — workflow and child inputs, activity inputs and results,
 * local-activity and other markers, update arguments and outcomes, signals, memo, search
 * attributes, headers, failures' details — with its bytes read as text (UTF-8, as the JSON
 * payload converter writes them), plus every other string of the history (failure messages,
 * identities). Searching `JSON.stringify(history)` finds nothing, because payload bytes are
 * serialised as base64 or byte arrays there; this reads them.
 */
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

export interface StoredValue {
  /** The event type, e.g. WORKFLOW_EXECUTION_STARTED. */
  event: string;
  /** Where in the event's attributes, e.g. `input.payloads.0` or `details.persistCase.payloads.0`. */
  path: string;
  /** A payload's `encoding` metadata; `(field)` for other strings. */
  encoding: string;
  text: string;
}

const utf8 = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const isPayload = (value: object): value is temporal.api.common.v1.IPayload =>
  'data' in value && 'metadata' in value && (value as { data: unknown }).data instanceof Uint8Array;

/** Every payload (decoded to text) and every other string in the history, each with where it was found. */
export function storedValues(history: History): StoredValue[] {
  const found: StoredValue[] = [];
  for (const event of history.events ?? []) {
    const type = temporal.api.enums.v1.EventType[event.eventType ?? 0]?.replace(/^EVENT_TYPE_/, '') ?? String(event.eventType);
    const [, attributes] = Object.entries(event).find(([key, value]) => key.endsWith('EventAttributes') && value) ?? [];
    if (!attributes) continue;
    const walk = (value: unknown, path: string): void => {
      if (value === null || value === undefined) return;
      if (typeof value === 'string') {
        found.push({ event: type, path, encoding: '(field)', text: value });
      } else if (value instanceof Uint8Array) {
        found.push({ event: type, path, encoding: '(bytes)', text: utf8(value) });
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => walk(item, `${path}.${i}`));
      } else if (typeof value === 'object') {
        if (isPayload(value)) {
          const metadata = Object.entries(value.metadata ?? {})
            .map(([k, v]) => `${k}=${utf8(v)}`)
            .join(' ');
          found.push({
            event: type,
            path,
            encoding: utf8(value.metadata?.encoding ?? new Uint8Array()),
            text: `${metadata}\n${utf8(value.data ?? new Uint8Array())}`,
          });
          return;
        }
        for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
      }
    };
    walk(attributes, '');
  }
  return found;
}

/** The payloads among the stored values. */
export const storedPayloads = (history: History): StoredValue[] => storedValues(history).filter((v) => !v.encoding.startsWith('('));

/** Where in the history any of `secrets` appears in plain text. */
export function plaintextIn(history: History, secrets: readonly string[]): Array<{ secret: string; event: string; path: string }> {
  return storedValues(history).flatMap((value) =>
    secrets.filter((secret) => value.text.includes(secret)).map((secret) => ({ secret, event: value.event, path: value.path })),
  );
}

/** A payload's place without indexes and map keys that vary between runs: `input.payloads`, `details.*.payloads`. */
export const kindOf = (value: { event: string; path: string }): string => `${value.event} ${value.path.replace(/\.\d+/g, '')}`;

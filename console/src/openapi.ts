/**
 * Reads the API's own OpenAPI document: which POST operations exist under a kind of case,
 * which roles may call them (`x-roles`), and the JSON schema of each request body. The
 * console's step forms are generated from this, so a new step needs no console change.
 */
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from './api';

/** Follows a local `$ref` ('#/components/schemas/X'). */
export function resolveSchema(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    const name = current.$ref.replace('#/components/schemas/', '');
    current = doc.components?.schemas?.[name] ?? {};
  }
  return current;
}

export function requestSchema(doc: OpenApiDocument, operation: OpenApiOperation): JsonSchema {
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  return schema ? resolveSchema(doc, schema) : { type: 'object', properties: {} };
}

export function mayCall(operation: OpenApiOperation | undefined, role: string): boolean {
  return !!operation && (operation['x-roles'] ?? []).includes(role);
}

export interface StepOperation {
  /** Last path segment, e.g. 'accept'. */
  action: string;
  /** Chinese summary, used as the form's title. */
  summary: string;
  roles: string[];
  schema: JsonSchema;
  /** The URL of this step for one case. */
  url(ref: string): string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every `POST <collection>/{id}/<action>` the role may call, in the document's order. */
export function stepsOf(doc: OpenApiDocument, collection: string, role: string): StepOperation[] {
  const pattern = new RegExp(`^${escapeRegExp(collection)}/\\{([A-Za-z]+)\\}/([a-z0-9-]+)$`);
  const steps: StepOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const match = pattern.exec(path);
    const operation = item.post;
    if (!match || !operation || !mayCall(operation, role)) continue;
    // A step is a JSON form; an upload (a file as the body, e.g. …/files) is not one.
    const content = operation.requestBody?.content;
    if (content && !content['application/json']) continue;
    const action = match[2]!;
    steps.push({
      action,
      summary: operation.summary ?? action,
      roles: operation['x-roles'] ?? [],
      schema: requestSchema(doc, operation),
      url: (ref) => `${collection}/${encodeURIComponent(ref)}/${action}`,
    });
  }
  return steps;
}

/** The name of a kind's case parameter ('caseNo' in /api/applications/{caseNo}). */
export function idParamOf(doc: OpenApiDocument, collection: string): string | null {
  const pattern = new RegExp(`^${escapeRegExp(collection)}/\\{([A-Za-z]+)\\}$`);
  for (const path of Object.keys(doc.paths)) {
    const match = pattern.exec(path);
    if (match) return match[1]!;
  }
  return null;
}

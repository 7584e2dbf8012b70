/**
 * Departments as the agency has set them (GET /api/departments), loaded when the console
 * starts and again after an admin changes one: wherever the console shows a department it
 * shows its name, and forms offer departments by name.
 */
import { api, type Department } from './api';
import type { Choice } from './components/SchemaForm';

let known: Department[] = [];
const names = new Map<string, string>();

export async function loadDepartments(): Promise<Department[]> {
  known = await api.departments();
  names.clear();
  for (const d of known) names.set(d.code, d.name);
  return known;
}

/** The department's name; its code when the console does not know it; `none` for no department. */
export function departmentName(code: unknown, none = '—'): string {
  if (typeof code !== 'string' || code === '') return none;
  return names.get(code) ?? code;
}

export function departmentChoices(): Choice[] {
  return known.map((d) => ({ value: d.code, label: d.name }));
}

/** Choices for every form field that names a department (step and intake forms). */
export function departmentFieldOptions(): Record<string, Choice[]> {
  const choices = departmentChoices();
  return choices.length === 0 ? {} : { departmentCode: choices, complainedDepartmentCode: choices, issuingDepartment: choices };
}

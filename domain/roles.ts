/** The roles of domain.md §1. Every API route declares which of these it admits. */
export const ROLES = ['clerk', 'department', 'reviewer', 'leader', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  clerk: '受理员',
  department: '承办科室',
  reviewer: '审核人',
  leader: '领导',
  supervisor: '督办',
  admin: '管理员',
};

import { text } from './text';
import type { Text } from './text';

/**
 * Staff roles. A person may hold several; every permission check in core/ takes one role at a time
 * and the caller asks with each role the person holds.
 */
export const ROLES = ['operator', 'qa', 'technician', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Readonly<Record<Role, Text>> = Object.freeze({
  operator: text('扫描员', 'Scan operator'),
  qa: text('质检员', 'QA inspector'),
  technician: text('运维人员', 'Technician'),
  admin: text('管理员', 'Administrator'),
});

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

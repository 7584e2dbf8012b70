/**
 * Masking of personal fields (ID numbers, phones, addresses, e-mail) wherever a full value is
 * not needed: lists, logs, and roles that do not handle the applicant. Pure module.
 */
const stars = (n: number) => '*'.repeat(Math.max(0, n));

/** `110101199003071234` → `1101**********1234`. */
export function maskIdNumber(value: string): string {
  return value.length <= 8 ? stars(value.length) : `${value.slice(0, 4)}${stars(value.length - 8)}${value.slice(-4)}`;
}

/** `13800001234` → `138****1234`. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\s/g, '');
  return digits.length <= 7 ? stars(digits.length) : `${digits.slice(0, 3)}${stars(digits.length - 7)}${digits.slice(-4)}`;
}

/** Keeps the district (first six characters), hides the street: `北京市东城区某街道1号` → `北京市东城区****`. */
export function maskAddress(value: string): string {
  const chars = [...value];
  return chars.length <= 6 ? stars(chars.length) : `${chars.slice(0, 6).join('')}****`;
}

/** `zhang.san@example.cn` → `z***@example.cn`. */
export function maskEmail(value: string): string {
  const at = value.indexOf('@');
  return at <= 0 ? stars(value.length) : `${value[0]}***${value.slice(at)}`;
}

export interface ContactFields {
  idNumber?: string;
  phone?: string;
  address?: string;
  email?: string;
  postcode?: string;
}

/** The same record with every personal contact field masked. */
export function maskContact<T extends ContactFields>(person: T): T {
  return {
    ...person,
    ...(person.idNumber !== undefined ? { idNumber: maskIdNumber(person.idNumber) } : {}),
    ...(person.phone !== undefined ? { phone: maskPhone(person.phone) } : {}),
    ...(person.address !== undefined ? { address: maskAddress(person.address) } : {}),
    ...(person.email !== undefined ? { email: maskEmail(person.email) } : {}),
  };
}

/**
 * Masked forms of personal data for responses and logs (ISMS-P): enough for the owner to
 * recognise the value, not enough to use it.
 */

/** `abcdef@example.com` → `ab***@example.com` (one visible character when the local part is short). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  const local = email.slice(0, at);
  const visible = local.length > 2 ? 2 : 1;
  return `${local.slice(0, visible)}***${email.slice(at)}`;
}

/**
 * A phone number in the national format with its middle digits hidden: `+821012345678` or
 * `01012345678` → `010-****-5678`. Other numbers keep only their last four digits.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const national = phone.startsWith('+82') ? `0${digits.slice(2)}` : digits;
  if (/^0\d{9,10}$/.test(national)) {
    const prefix = national.startsWith('02') ? national.slice(0, 2) : national.slice(0, 3);
    return `${prefix}-****-${national.slice(-4)}`;
  }
  return national.length > 4 ? `***-${national.slice(-4)}` : '***';
}

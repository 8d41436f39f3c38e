/** Canonical contact values, so the same person links across channels and logins match however typed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Indonesian numbers: 0812..., +62812..., 62812... -> +62812... */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, "");
  if (digits.startsWith("+")) return "+" + digits.slice(1).replace(/\D/g, "");
  if (digits.startsWith("62")) return "+" + digits;
  if (digits.startsWith("0")) return "+62" + digits.slice(1);
  return "+" + digits;
}

/**
 * Ticket numbers read over the phone and typed in an SMS: PREFIX-YYMMDD-NNNN (JKT-260412-0073).
 * The sequence restarts daily, widens past 9999, and a ticket is never reused.
 */
export function formatTicket(prefix: string, localDate: string, sequence: number): string {
  const [y, m, d] = localDate.split("-");
  return `${prefix}-${y!.slice(2)}${m}${d}-${String(sequence).padStart(4, "0")}`;
}

const TICKET = /^[A-Z]{2,6}-\d{6}-\d{4,6}$/;

/** Normalizes what a citizen typed ("jkt 260412 0073", "JKT-260412-0073") or returns null. */
export function normalizeTicket(input: string): string | null {
  const compact = input.trim().toUpperCase().replace(/[\s_./]+/g, "-").replace(/-+/g, "-");
  const m = /^([A-Z]{2,6})-?(\d{6})-?(\d{4,6})$/.exec(compact);
  if (!m) return null;
  const ticket = `${m[1]}-${m[2]}-${m[3]}`;
  return TICKET.test(ticket) ? ticket : null;
}

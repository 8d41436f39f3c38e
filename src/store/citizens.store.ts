import type { Queryable } from "./db.ts";

export interface CitizenContact {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** Canonical identity values so the same person links across channels. */
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

/**
 * Finds the citizen behind any of the contact's identities or creates one, and links every
 * identity given to it. Returns null when the contact has no identity at all (anonymous).
 */
export async function linkCitizen(tx: Queryable, contact: CitizenContact, newId: () => string): Promise<string | null> {
  const identities: Array<[string, string]> = [];
  if (contact.email) identities.push(["email", normalizeEmail(contact.email)]);
  if (contact.phone) identities.push(["phone", normalizePhone(contact.phone)]);
  return linkIdentities(tx, identities, contact, newId);
}

/** Links a sender known by a channel identity (phone, e-mail, handle, partner id) to a citizen. */
export async function linkIdentity(tx: Queryable, identity: { kind: string; value: string; name?: string | null }, newId: () => string): Promise<string> {
  const value = identity.kind === "email" ? normalizeEmail(identity.value) : identity.kind === "phone" || identity.kind === "whatsapp" ? normalizePhone(identity.value) : identity.value;
  const contact = { name: identity.name ?? null, email: identity.kind === "email" ? value : null, phone: identity.kind === "phone" || identity.kind === "whatsapp" ? value : null };
  return (await linkIdentities(tx, [[identity.kind, value]], contact, newId))!;
}

async function linkIdentities(tx: Queryable, identities: Array<[string, string]>, contact: CitizenContact, newId: () => string): Promise<string | null> {
  if (identities.length === 0) return null;
  const { rows } = await tx.query<{ citizen_id: string; merged_into: string | null }>(
    `select ci.citizen_id, c.merged_into from citizen_identities ci join citizens c on c.id = ci.citizen_id
     where (ci.kind, ci.value) in (select * from unnest($1::text[], $2::text[])) limit 1`,
    [identities.map((i) => i[0]), identities.map((i) => i[1])],
  );
  let citizenId = rows[0] ? (rows[0].merged_into ?? rows[0].citizen_id) : null;
  if (!citizenId) {
    citizenId = newId();
    await tx.query("insert into citizens (id, name, email, phone) values ($1, $2, $3, $4)", [
      citizenId,
      contact.name ?? null,
      contact.email ? normalizeEmail(contact.email) : null,
      contact.phone ? normalizePhone(contact.phone) : null,
    ]);
  }
  for (const [kind, value] of identities) {
    await tx.query(
      "insert into citizen_identities (kind, value, citizen_id) values ($1, $2, $3) on conflict (kind, value) do nothing",
      [kind, value, citizenId],
    );
  }
  return citizenId;
}

/** The citizen already known by any of the contact's identities, without creating one. */
export async function findCitizenByContact(q: Queryable, contact: CitizenContact): Promise<string | null> {
  const identities: Array<[string, string]> = [];
  if (contact.email) identities.push(["email", normalizeEmail(contact.email)]);
  if (contact.phone) identities.push(["phone", normalizePhone(contact.phone)]);
  if (!identities.length) return null;
  const kinds = identities.map((i) => i[0]);
  const values = identities.map((i) => i[1]);
  const { rows } = await q.query<{ id: string }>(
    `select coalesce(c.merged_into, c.id) as id from citizen_identities ci join citizens c on c.id = ci.citizen_id
     where (ci.kind, ci.value) in (select * from unnest($1::text[], $2::text[])) limit 1`,
    [kinds, values],
  );
  return rows[0]?.id ?? null;
}

export async function findCitizen(q: Queryable, id: string) {
  const { rows } = await q.query<{ id: string; name: string | null; email: string | null; phone: string | null; language: "id" | "en" }>(
    "select id, name, email, phone, language from citizens where id = $1",
    [id],
  );
  return rows[0] ?? null;
}

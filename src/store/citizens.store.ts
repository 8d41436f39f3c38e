import { normalizeEmail, normalizePhone } from "../domain/contact.ts";
import type { Queryable } from "./db.ts";

export interface CitizenContact {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

export interface ChannelIdentity {
  kind: string;
  value: string;
  name?: string | null;
}

/** The kinds of identity that are phone numbers (a WhatsApp citizen can also be answered by SMS). */
const PHONE_KINDS = new Set(["phone", "whatsapp"]);

/**
 * The normalized identities of a contact and/or a channel identity, and the details a new
 * citizen record gets: the one place where "who is this" is worked out.
 */
export function contactIdentities(contact: CitizenContact | null | undefined, identity?: ChannelIdentity | null) {
  const c = contact ?? {};
  const identities: Array<[string, string]> = [];
  const add = (kind: string, value: string) => {
    if (!identities.some(([k, v]) => k === kind && v === value)) identities.push([kind, value]);
  };
  let email = c.email ? normalizeEmail(c.email) : null;
  let phone = c.phone ? normalizePhone(c.phone) : null;
  if (email) add("email", email);
  if (phone) add("phone", phone);
  if (identity) {
    const value = identity.kind === "email" ? normalizeEmail(identity.value) : PHONE_KINDS.has(identity.kind) ? normalizePhone(identity.value) : identity.value;
    add(identity.kind, value);
    if (identity.kind === "email") email ??= value;
    if (PHONE_KINDS.has(identity.kind)) phone ??= value;
  }
  return { identities, name: c.name ?? identity?.name ?? null, email, phone };
}

/**
 * Finds the citizen behind any of the contact's identities or creates one, and links every
 * identity given to it. Returns null when the contact has no identity at all (anonymous).
 */
export async function linkCitizen(tx: Queryable, contact: CitizenContact, newId: () => string): Promise<string | null> {
  return (await linkIdentities(tx, contactIdentities(contact), newId))?.citizenId ?? null;
}

/**
 * Links a sender known by a channel identity (phone, e-mail, handle, partner id) to a citizen;
 * `created` says the citizen is new (nobody wrote from these identities before).
 */
export async function linkIdentity(tx: Queryable, identity: ChannelIdentity, newId: () => string): Promise<{ citizenId: string; created: boolean }> {
  return (await linkIdentities(tx, contactIdentities(null, identity), newId))!;
}

/** One statement: the (merged-into) citizen holding any identity, or a new one; every identity linked to it. */
async function linkIdentities(tx: Queryable, who: ReturnType<typeof contactIdentities>, newId: () => string): Promise<{ citizenId: string; created: boolean } | null> {
  if (who.identities.length === 0) return null;
  const { rows } = await tx.query<{ id: string; created: boolean }>({
    name: "link_identities",
    text: `with
     wanted as (select * from unnest($1::text[], $2::text[]) as w(kind, value)),
     found as (
       select coalesce(c.merged_into, c.id) as id from wanted
       join citizen_identities ci on ci.kind = wanted.kind and ci.value = wanted.value
       join citizens c on c.id = ci.citizen_id limit 1
     ),
     created as (
       insert into citizens (id, name, email, phone) select $3, $4, $5, $6 where not exists (select 1 from found)
       returning id
     ),
     citizen as (select id, false as created from found union all select id, true from created),
     linked as (
       insert into citizen_identities (kind, value, citizen_id) select wanted.kind, wanted.value, citizen.id from wanted, citizen
       on conflict (kind, value) do nothing
     )
     select id, created from citizen`,
    values: [who.identities.map((i) => i[0]), who.identities.map((i) => i[1]), newId(), who.name, who.email, who.phone],
  });
  return { citizenId: rows[0]!.id, created: rows[0]!.created };
}

/** The citizen already known by any of the contact's identities, without creating one. */
export async function findCitizenByContact(q: Queryable, contact: CitizenContact): Promise<string | null> {
  return findByIdentities(q, contactIdentities(contact).identities);
}

/** The (merged-into) citizen holding any of these identities. */
async function findByIdentities(q: Queryable, identities: Array<[string, string]>): Promise<string | null> {
  if (!identities.length) return null;
  const { rows } = await q.query<{ id: string }>(
    `select coalesce(c.merged_into, c.id) as id from unnest($1::text[], $2::text[]) as wanted(kind, value)
     join citizen_identities ci on ci.kind = wanted.kind and ci.value = wanted.value
     join citizens c on c.id = ci.citizen_id limit 1`,
    [identities.map((i) => i[0]), identities.map((i) => i[1])],
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

/**
 * Merges one citizen record into another: identities and reports move, the old record points
 * to the one it was merged into. Returns false when either is unknown or they are the same.
 */
export async function mergeCitizens(tx: Queryable, fromId: string, intoId: string): Promise<boolean> {
  if (fromId === intoId) return false;
  const { rowCount } = await tx.query("select 1 from citizens where id = any($1::uuid[]) and merged_into is null", [[fromId, intoId]]);
  if (rowCount !== 2) return false;
  await tx.query("update citizen_identities set citizen_id = $2 where citizen_id = $1", [fromId, intoId]);
  await tx.query("update reports set citizen_id = $2 where citizen_id = $1", [fromId, intoId]);
  await tx.query("update citizens set merged_into = $2 where id = $1 or merged_into = $1", [fromId, intoId]);
  return true;
}

export async function citizenIdentities(q: Queryable, citizenId: string): Promise<Array<{ kind: string; value: string }>> {
  const { rows } = await q.query<{ kind: string; value: string }>("select kind, value from citizen_identities where citizen_id = $1 order by kind, value", [citizenId]);
  return rows;
}

/** A citizen's identity of one kind (the Facebook page-scoped id to answer on Messenger, ...). */
export async function citizenIdentity(q: Queryable, citizenId: string, kind: string): Promise<string | null> {
  const { rows } = await q.query<{ value: string }>("select value from citizen_identities where citizen_id = $1 and kind = $2 order by created_at desc limit 1", [citizenId, kind]);
  return rows[0]?.value ?? null;
}

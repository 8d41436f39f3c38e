import { canAdminister, type Actor, type Role } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { listOutbox, listUnitNotifications } from "../store/outbox.store.ts";
import { findPayload, listPayloads, requeuePayload, type PayloadSummary } from "../store/inbound.store.ts";
import {
  deleteHoliday,
  listHolidays,
  upsertCategory,
  upsertHoliday,
  upsertUnit,
  type CategoryInput,
  type Holiday,
  type UnitInput,
} from "../store/reference.store.ts";
import { findUserByEmail, findUserById, insertUser, listUsers, updateUser } from "../store/users.store.ts";
import { citizenIdentities, mergeCitizens } from "../store/citizens.store.ts";
import { withTransaction } from "../store/db.ts";
import { hashPassword } from "./auth.ts";
import type { AppContext } from "./context.ts";

function requireAdmin(actor: Actor) {
  if (!canAdminister(actor)) throw new DomainError("FORBIDDEN", "only administrators may change configuration");
}

/** Units, categories and holidays are data an administrator edits; caches reload after a change. */
export async function saveUnit(ctx: AppContext, actor: Actor, input: UnitInput) {
  requireAdmin(actor);
  const ref = await ctx.reference.get();
  if (input.parentId && !ref.units.get(input.parentId)) throw new DomainError("UNIT_NOT_FOUND", `unknown parent unit ${input.parentId}`);
  if (input.parentId === input.id) throw new DomainError("VALIDATION_FAILED", "a unit cannot be its own parent");
  if (input.parentId && ref.units.isWithin(input.parentId, input.id)) throw new DomainError("VALIDATION_FAILED", "the parent lies below this unit");
  if (input.supervisorUnitId && !ref.units.get(input.supervisorUnitId)) throw new DomainError("UNIT_NOT_FOUND", `unknown supervisor unit ${input.supervisorUnitId}`);
  if (input.regionCode && !ref.regionNames.has(input.regionCode)) throw new DomainError("VALIDATION_FAILED", `unknown region ${input.regionCode}`);
  const unit = await upsertUnit(ctx.pool, input);
  ctx.reference.invalidate();
  return unit;
}

export async function saveCategory(ctx: AppContext, actor: Actor, input: CategoryInput) {
  requireAdmin(actor);
  const ref = await ctx.reference.get();
  const p = input.ownerPolicy;
  if ((p.kind === "agency" && !ref.units.get(p.agency)) || (p.kind === "external" && !ref.units.get(p.unit)))
    throw new DomainError("UNIT_NOT_FOUND", "the owner policy names an unknown unit");
  if (input.slaFirstActionDays > input.slaResolutionDays)
    throw new DomainError("VALIDATION_FAILED", "the first-action target cannot be later than the resolution target");
  const saved = await upsertCategory(ctx.pool, input);
  ctx.reference.invalidate();
  return saved;
}

export async function saveHoliday(ctx: AppContext, actor: Actor, h: Holiday) {
  requireAdmin(actor);
  const saved = await upsertHoliday(ctx.pool, h);
  ctx.reference.invalidate();
  return saved;
}

export async function removeHoliday(ctx: AppContext, actor: Actor, date: string) {
  requireAdmin(actor);
  if (!(await deleteHoliday(ctx.pool, date))) throw new DomainError("NOT_FOUND", `no holiday on ${date}`);
  ctx.reference.invalidate();
}

export const holidays = (ctx: AppContext, year?: number) => listHolidays(ctx.pool, year);

export async function createUser(ctx: AppContext, actor: Actor, input: { email: string; name: string; password: string; role: Role; unitId: string | null; language?: "id" | "en" }) {
  requireAdmin(actor);
  await checkUnitForRole(ctx, input.role, input.unitId);
  if (await findUserByEmail(ctx.pool, input.email)) throw new DomainError("CONFLICT", "a user with this email exists");
  const user = await insertUser(ctx.pool, { ...input, id: ctx.newId(), passwordHash: await hashPassword(input.password) });
  return publicUser(user);
}

export async function changeUser(ctx: AppContext, actor: Actor, id: string, patch: { name?: string; password?: string; role?: Role; unitId?: string | null; active?: boolean; language?: "id" | "en" }) {
  requireAdmin(actor);
  const current = await findUserById(ctx.pool, id);
  if (!current) throw new DomainError("NOT_FOUND", "no such user");
  if (patch.role || patch.unitId !== undefined)
    await checkUnitForRole(ctx, patch.role ?? current.role, patch.unitId !== undefined ? patch.unitId : current.unitId);
  const user = await updateUser(ctx.pool, id, {
    name: patch.name,
    role: patch.role,
    unitId: patch.unitId,
    active: patch.active,
    language: patch.language,
    passwordHash: patch.password ? await hashPassword(patch.password) : undefined,
  });
  if (!user) throw new DomainError("NOT_FOUND", "no such user");
  return publicUser(user);
}

export async function usersForAdmin(ctx: AppContext, actor: Actor, filter: { unitId?: string; role?: Role }) {
  requireAdmin(actor);
  return (await listUsers(ctx.pool, filter)).map(publicUser);
}

/** Officers of a unit (for assignment pickers): any officer may list their own unit's colleagues. */
export async function officersOfUnit(ctx: AppContext, actor: Actor, unitId: string) {
  const ref = await ctx.reference.get();
  if (actor.role !== "jsc_admin" && !(actor.unitId && ref.units.isWithin(unitId, actor.unitId)))
    throw new DomainError("FORBIDDEN", "outside your scope");
  return (await listUsers(ctx.pool, { unitId })).filter((u) => u.active).map((u) => ({ id: u.id, name: u.name, role: u.role }));
}

async function checkUnitForRole(ctx: AppContext, role: Role, unitId: string | null) {
  const ref = await ctx.reference.get();
  if (unitId && !ref.units.get(unitId)) throw new DomainError("UNIT_NOT_FOUND", `unknown unit ${unitId}`);
  const needsUnit: Role[] = ["kelurahan_officer", "ppsu_crew", "agency_officer", "validator", "supervisor"];
  if (needsUnit.includes(role) && !unitId) throw new DomainError("VALIDATION_FAILED", `role ${role} needs a unit`);
  const kind = unitId ? ref.units.get(unitId)?.kind : null;
  if ((role === "kelurahan_officer" || role === "ppsu_crew") && kind !== "kelurahan")
    throw new DomainError("VALIDATION_FAILED", `role ${role} belongs to a kelurahan`);
  if (role === "agency_officer" && kind !== "agency" && kind !== "sub_office" && kind !== "external")
    throw new DomainError("VALIDATION_FAILED", "agency officers belong to an agency, sub-office or external body");
}

function publicUser(u: { id: string; email: string; name: string; role: Role; unitId: string | null; language: string; active: boolean }) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, unitId: u.unitId, language: u.language, active: u.active };
}

export async function outboxForAdmin(ctx: AppContext, actor: Actor, status?: "pending" | "sent" | "skipped" | "dead") {
  requireAdmin(actor);
  // A subscriber mail waiting to go carries its link token: whoever holds it manages that subscription, so an
  // administrator sees that there is one, never its value.
  return (await listOutbox(ctx.pool, { status, limit: 200 })).map((row) =>
    "token" in row.payload ? { ...row, payload: { ...row.payload, token: "(hidden)" } } : row);
}

/** Stored inbound payloads (status=malformed is the list of what no connector could read). */
export async function inboundPayloadsForAdmin(ctx: AppContext, actor: Actor, f: { status?: PayloadSummary["status"]; channel?: string; beforeId?: number }) {
  requireAdmin(actor);
  const items = await listPayloads(ctx.pool, { ...f, limit: 100 });
  return { items, nextCursor: items.length === 100 ? items.at(-1)!.id : null };
}

/** One payload as it arrived: the raw body (text when it is UTF-8, else base64) and its headers. */
export async function inboundPayloadForAdmin(ctx: AppContext, actor: Actor, id: number) {
  requireAdmin(actor);
  const p = await findPayload(ctx.pool, id);
  if (!p) throw new DomainError("NOT_FOUND", "no stored payload with that id");
  const { body, ...rest } = p;
  const text = body.toString("utf8");
  const isText = Buffer.from(text, "utf8").equals(body) && !text.includes("\u0000");
  return { ...rest, encoding: isText ? "utf8" : "base64", body: isText ? text : body.toString("base64") };
}

/** An administrator has a malformed payload handled again (after a fix or once its channel is on). */
export async function requeueInboundPayload(ctx: AppContext, actor: Actor, id: number) {
  requireAdmin(actor);
  if (!(await requeuePayload(ctx.pool, id))) throw new DomainError("NOT_FOUND", "no malformed payload with that id");
  return { ok: true };
}

/** What reached the officer's unit (and the units below it): new reports, coordinations, escalations. */
export async function notificationsFor(ctx: AppContext, actor: Actor) {
  const ref = await ctx.reference.get();
  if (!actor.unitId) return [];
  const unitIds = ref.units.all().filter((u) => ref.units.isWithin(u.id, actor.unitId!)).map((u) => u.id);
  return listUnitNotifications(ctx.pool, unitIds, 100);
}

/** One person wrote from two identities that were not linked: an officer merges the two citizen records. */
export async function mergeCitizenRecords(ctx: AppContext, actor: Actor, fromId: string, intoId: string) {
  if (actor.role !== "jsc_admin" && actor.role !== "kelurahan_officer" && actor.role !== "agency_officer")
    throw new DomainError("FORBIDDEN", "this role may not merge citizens");
  const merged = await withTransaction(ctx.pool, (tx) => mergeCitizens(tx, fromId, intoId));
  if (!merged) throw new DomainError("VALIDATION_FAILED", "both citizens must exist, be different and not already merged");
  return { citizenId: intoId, identities: await citizenIdentities(ctx.pool, intoId) };
}

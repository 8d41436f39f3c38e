import { z } from "zod";
import { REPORT_KINDS, REPORT_STATES, CLOSE_REASONS } from "../domain/report.ts";
import { ACTIONS } from "../domain/report-lifecycle.ts";
import { ROLES } from "../domain/access-policy.ts";

/** Free text: trimmed, bounded, no control characters except newlines and tabs. */
export const text = (max: number) =>
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  z.string().trim().max(max).refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), "control characters are not allowed");

export const ticketParam = z.object({ ticket: z.string().min(1).max(40) }).strict();
export const langQuery = z.object({ lang: z.enum(["id", "en"]).optional() }).strict();

export const contactSchema = z
  .object({
    name: text(120).optional(),
    email: z.string().trim().max(254).email().optional(),
    phone: z.string().trim().max(20).regex(/^\+?[0-9 ()-]{6,20}$/, "a phone number").optional(),
  })
  .strict();

export const publicReportSchema = z
  .object({
    description: text(5000).min(1, "description is required"),
    kind: z.enum(REPORT_KINDS).default("pengaduan"),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    address: text(500).optional(),
    category: z.string().trim().max(64).regex(/^[a-z0-9_]+$/, "a category code").optional(),
    contact: contactSchema.optional(),
    language: z.enum(["id", "en"]).optional(),
  })
  .strict()
  .refine((r) => (r.lat === undefined) === (r.lon === undefined), { message: "lat and lon go together", path: ["lat"] });

export const disputeSchema = z.object({ reason: text(2000).min(1, "reason is required"), contact: contactSchema }).strict();
export const commentSchema = z.object({ text: text(2000).min(1, "text is required"), contact: contactSchema.optional() }).strict();
export const supportSchema = z.object({ contact: contactSchema.optional() }).strict().optional();

export const loginSchema = z.object({ email: z.string().trim().max(254), password: z.string().min(1).max(200) }).strict();

export const transitionSchema = z
  .object({
    action: z.enum(ACTIONS),
    unit: z.string().max(100).optional(),
    note: text(4000).optional(),
    publicComment: text(2000).optional(),
    reason: text(2000).optional(),
    closeReason: z.enum(CLOSE_REASONS).optional(),
    responsibleParty: text(300).optional(),
    duplicateOf: z.string().max(40).optional(),
    photos: z.array(z.string().uuid()).max(10).optional(),
    assignee: z.string().uuid().optional(),
    category: z.string().max(64).optional(),
    /** a place correction when routing */
    kelurahan: z.string().regex(/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/, "a Kemendagri kelurahan code such as 31.71.01.1001").optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  })
  .strict();

const csvList = <T extends string>(values: readonly [T, ...T[]]) =>
  z.string().max(500).transform((s) => s.split(",").filter(Boolean)).pipe(z.array(z.enum(values)));

/** The inbox's filters (GET /api/v1/reports, the map's GeoJSON, saved views), as query-string values. */
export const inboxFilterFields = {
  state: csvList(REPORT_STATES).optional(),
  colour: z.enum(["red", "yellow", "green", "grey"]).optional(),
  category: z.string().max(64).optional(),
  unit: z.string().max(100).optional(),
  channel: z.string().max(40).optional(),
  overdue: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  reopened: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  /** "me", or an officer's id (within the caller's scope) */
  assignee: z.union([z.literal("me"), z.string().uuid()]).optional(),
  /** a kelurahan code or a prefix of whole segments: 31.71, 31.71.01, 31.71.01.1001 */
  kelurahan: z.string().regex(/^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/, "a Kemendagri code or prefix such as 31.71.01 or 31.71.01.1001").optional(),
  q: z.string().max(200).optional(),
  /** which kind of red (monitoring links): waiting, reopened, coordination, disposition, triage */
  redReason: z.enum(["waiting", "reopened", "coordination", "disposition", "triage"]).optional(),
  /** "now": only reports the caller's units hold now or that lie in the caller's area (the monitoring figures'
   * scope; without it the list also shows reports the caller's units held once and handed on) */
  held: z.enum(["now"]).optional(),
  /** created at or after / strictly before an instant (ISO 8601 with offset) */
  createdAfter: z.iso.datetime({ offset: true }).optional(),
  createdBefore: z.iso.datetime({ offset: true }).optional(),
};

export const listQuerySchema = z
  .object({
    ...inboxFilterFields,
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
    lang: z.enum(["id", "en"]).optional(),
  })
  .strict();

export const geojsonQuerySchema = z.object({ ...inboxFilterFields, lang: z.enum(["id", "en"]).optional() }).strict();

/** A saved view's filter value as sent: a query-string value, or a boolean / list for convenience. */
const savedFilterValue = z
  .union([z.string().max(500), z.boolean(), z.array(z.string().max(100)).max(20)])
  .transform((v) => (Array.isArray(v) ? v.join(",") : String(v)).trim());

const inboxFilterSchema = z.object(inboxFilterFields).strict();

/**
 * POST /api/v1/views: a name and the inbox's filters, checked with the inbox's own rules and kept as
 * query-string values (so a client can put them straight into GET /api/v1/reports).
 */
export const savedViewSchema = z
  .object({
    name: text(80).min(1, "name is required"),
    filters: z
      .object(Object.fromEntries(Object.keys(inboxFilterFields).map((k) => [k, savedFilterValue.optional()])) as Record<keyof typeof inboxFilterFields, z.ZodOptional<typeof savedFilterValue>>)
      .strict()
      .default({})
      .transform((f) => Object.fromEntries(Object.entries(f).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")))
      .superRefine((f, ctx) => {
        const checked = inboxFilterSchema.safeParse(f);
        if (!checked.success) for (const issue of checked.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
      }),
  })
  .strict();

export const unitSchema = z
  .object({
    id: z.string().min(1).max(100).regex(/^[A-Za-z0-9@._-]+$/),
    kind: z.enum(["kelurahan", "kecamatan", "kota", "province", "agency", "sub_office", "triage", "external"]),
    name: text(200).min(1),
    shortName: text(100).nullable().optional(),
    parentId: z.string().max(100).nullable().optional(),
    regionCode: z.string().max(20).nullable().optional(),
    supervisorUnitId: z.string().max(100).nullable().optional(),
    hasPpsu: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const ownerPolicySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("kelurahan") }).strict(),
  z.object({ kind: z.literal("agency"), agency: z.string().max(100) }).strict(),
  z.object({ kind: z.literal("external"), unit: z.string().max(100) }).strict(),
  z.object({ kind: z.literal("triage") }).strict(),
]);

export const categorySchema = z
  .object({
    code: z.string().min(1).max(64).regex(/^[a-z0-9_]+$/),
    nameId: text(200).min(1),
    nameEn: text(200).min(1),
    ownerPolicy: ownerPolicySchema,
    slaFirstActionDays: z.number().int().min(0).max(365),
    slaResolutionDays: z.number().int().min(1).max(365),
    disputePolicy: z.enum(["reporter_only", "any_citizen", "none"]),
    disputeWindowDays: z.number().int().min(0).max(365),
    reopenEscalationThreshold: z.number().int().min(1).max(100),
    ppsuAllowed: z.boolean(),
    active: z.boolean().default(true),
    keywords: z.array(text(60)).max(100).optional(),
    sortOrder: z.number().int().min(0).max(10000).optional(),
  })
  .strict();

/** A real calendar date YYYY-MM-DD (2031-02-30 is not). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD")
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d && t.getUTCFullYear() >= 1900 && t.getUTCFullYear() <= 2200;
  }, "a real calendar date");

export const holidaySchema = z.object({ date: isoDate, name: text(200).min(1), jointLeave: z.boolean().default(false) }).strict();

export const userCreateSchema = z
  .object({
    email: z.string().trim().max(254).email(),
    name: text(120).min(1),
    password: z.string().min(10).max(200),
    role: z.enum(ROLES),
    unitId: z.string().max(100).nullable(),
    language: z.enum(["id", "en"]).optional(),
  })
  .strict();

export const userPatchSchema = z
  .object({
    name: text(120).min(1).optional(),
    password: z.string().min(10).max(200).optional(),
    role: z.enum(ROLES).optional(),
    unitId: z.string().max(100).nullable().optional(),
    active: z.boolean().optional(),
    language: z.enum(["id", "en"]).optional(),
  })
  .strict();


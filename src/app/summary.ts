import PDFDocument from "pdfkit";
import { readScope, type Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { STATE_COLOUR, STATE_LABEL, type Language, type ReportState } from "../domain/report.ts";
import { RED_REASONS, type RedReason } from "../domain/projection.ts";
import { jakartaDate } from "../domain/stats.ts";
import { complianceRate, jakartaDateTime, periodBounds, SUMMARY_TEXT, type SummaryPeriod } from "../domain/summary.ts";
import { summaryFigures } from "../store/exports.store.ts";
import type { AppContext } from "./context.ts";

/** Who reads the executive summary: executives and the triage desk city-wide, supervisors for their area. */
const SUMMARY_ROLES = new Set(["executive", "jsc_admin", "supervisor"]);
const TOP_N = 5;

export interface SummaryInput {
  period: SummaryPeriod;
  /** a Jakarta calendar day inside the period; default today */
  date?: string;
}

/**
 * The weekly or monthly executive summary, computed from reports and report_events directly: received, done and
 * closed in the period; what was still open at its end by colour and, for red, why; SLA compliance of the reports
 * done in the period; the oldest open reports; the categories and channels received; the units most overdue.
 */
export async function executiveSummary(ctx: AppContext, actor: Actor, input: SummaryInput, language: Language) {
  if (!SUMMARY_ROLES.has(actor.role)) throw new DomainError("FORBIDDEN", "the executive summary is for executives, supervisors and the triage desk");
  const ref = await ctx.reference.get();
  const scope = readScope(actor, ref.units);
  const date = input.date ?? jakartaDate(ctx.now());
  const bounds = periodBounds(input.period, date);
  const f = await summaryFigures(ctx.pool, { scope: scope && { unitIds: [...scope.unitIds], regionPrefix: scope.regionPrefix, assigneeUserId: scope.assigneeUserId } }, bounds.start, bounds.end, TOP_N, ctx.now());
  const unit = (id: string) => ({ id, name: ref.units.get(id)?.name ?? id });
  const categoryName = (code: string | null) => (code ? (language === "en" ? ref.categories.get(code)?.nameEn : ref.categories.get(code)?.nameId) ?? code : null);
  const red = Object.fromEntries(RED_REASONS.map((r) => [r, 0])) as Record<RedReason, number>;
  let yellow = 0;
  for (const row of f.openByState) {
    if (row.red_reason) red[row.red_reason as RedReason] += row.n;
    else if (STATE_COLOUR[row.state as ReportState] === "yellow") yellow += row.n;
  }
  const redTotal = RED_REASONS.reduce((n, r) => n + red[r], 0);
  return {
    period: bounds.period,
    date,
    timezone: "Asia/Jakarta",
    start: bounds.start.toISOString(),
    end: bounds.end.toISOString(),
    firstDay: bounds.firstDay,
    lastDay: bounds.lastDay,
    scope: { all: scope === null, unit: scope && actor.unitId ? unit(actor.unitId) : null },
    created: f.counts.created,
    done: f.counts.done,
    closed: f.counts.closed,
    openAtEnd: { red: redTotal, yellow, total: redTotal + yellow },
    redBreakdown: red,
    sla: { onTime: f.sla.on_time, late: f.sla.late, noDeadline: f.sla.no_deadline, complianceRate: complianceRate(f.sla.on_time, f.sla.late) },
    oldestOpen: f.oldestOpen.map((o) => {
      const state = o.state as ReportState;
      return {
        ticket: o.ticket,
        createdAt: o.created_at.toISOString(),
        state,
        label: STATE_LABEL[language][state],
        colour: STATE_COLOUR[state],
        redReason: o.red_reason,
        category: o.category_code ? { code: o.category_code, name: categoryName(o.category_code) } : null,
        kelurahan: o.kelurahan_code ? { code: o.kelurahan_code, name: ref.regionNames.get(o.kelurahan_code) ?? o.kelurahan_code } : null,
        unit: unit(o.unit_id),
        overdue: o.overdue,
      };
    }),
    topCategories: f.categories.map((c) => ({ code: c.category_code, name: categoryName(c.category_code), count: c.n })),
    channels: f.channels.map((c) => ({ channel: c.channel, count: c.n })),
    overdueUnits: f.overdueUnits.map((u) => ({ unit: unit(u.unit_id), count: u.n })),
  };
}

export type ExecutiveSummary = Awaited<ReturnType<typeof executiveSummary>>;

/** The summary as a printable A4 PDF with the same figures as tables (Helvetica: the standard fonts cover Indonesian). */
export async function summaryPdf(summary: ExecutiveSummary, language: Language, generatedAt: Date): Promise<Buffer> {
  const t = SUMMARY_TEXT[language];
  const doc = new PDFDocument({ size: "A4", margin: 48, info: { Title: t.title!, Creator: "Aspirasi" }, lang: language === "en" ? "en" : "id" });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  const heading = (text: string) => {
    doc.moveDown(0.8).font("Helvetica-Bold").fontSize(12).fillColor("#000").text(text, left, doc.y, { width });
    doc.moveDown(0.3);
  };
  /** A table: columns with relative widths, a bold header row, a thin rule under it. */
  const table = (header: string[], rows: Array<Array<string | number>>, weights: number[]) => {
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (w / total) * width);
    const line = (cells: Array<string | number>, bold: boolean) => {
      if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
      const y = doc.y;
      let x = left;
      let bottom = y;
      doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(9);
      cells.forEach((c, i) => {
        doc.text(String(c), x + 2, y, { width: widths[i]! - 4 });
        bottom = Math.max(bottom, doc.y);
        x += widths[i]!;
      });
      doc.y = bottom + 3;
      doc.x = left;
    };
    line(header, true);
    doc.moveTo(left, doc.y - 2).lineTo(left + width, doc.y - 2).lineWidth(0.5).stroke("#888");
    if (rows.length === 0) line([t.none!], false);
    for (const r of rows) line(r, false);
  };

  doc.font("Helvetica-Bold").fontSize(16).text(`${t.title} (${t[summary.period]})`, { width });
  doc.font("Helvetica").fontSize(10).moveDown(0.3);
  doc.text(`${t.period}: ${summary.firstDay} – ${summary.lastDay} (WIB)`, { width });
  doc.text(`${t.scope}: ${summary.scope.all ? t.scopeAll : (summary.scope.unit?.name ?? "")}`, { width });
  doc.text(`${t.generatedAt}: ${jakartaDateTime(generatedAt)} WIB`, { width });

  heading(t.figures!);
  table([t.figures!, t.count!], [
    [t.created!, summary.created],
    [t.done!, summary.done],
    [t.closed!, summary.closed],
    [`${t.openAtEnd} – ${t.red}`, summary.openAtEnd.red],
    [`${t.openAtEnd} – ${t.yellow}`, summary.openAtEnd.yellow],
  ], [3, 1]);

  heading(t.redBreakdown!);
  table([t.state!, t.count!], RED_REASONS.map((r) => [t[r]!, summary.redBreakdown[r]]), [3, 1]);

  heading(t.sla!);
  table([t.onTime!, t.late!, t.noDeadline!, t.rate!], [[
    summary.sla.onTime, summary.sla.late, summary.sla.noDeadline, summary.sla.complianceRate === null ? "–" : `${summary.sla.complianceRate}%`,
  ]], [1, 1, 1, 1]);

  heading(t.oldestOpen!);
  table([t.ticket!, t.createdAt!, t.state!, t.category!, t.unit!], summary.oldestOpen.map((o) => [
    o.ticket, jakartaDateTime(new Date(o.createdAt)), o.redReason ? t[o.redReason]! : o.label, o.category?.name ?? "–", o.unit.name,
  ]), [2.2, 1.8, 1.6, 2, 2.4]);

  heading(t.topCategories!);
  table([t.category!, t.count!], summary.topCategories.map((c) => [c.name ?? "–", c.count]), [3, 1]);

  heading(t.channels!);
  table([t.channel!, t.count!], summary.channels.map((c) => [c.channel, c.count]), [3, 1]);

  heading(t.overdueUnits!);
  table([t.unit!, t.overdue!], summary.overdueUnits.map((u) => [u.unit.name, u.count]), [3, 1]);

  doc.end();
  return done;
}

/** "Tugas saya": the reports assigned to the signed-in officer, as phone-first cards (the PPSU crew's landing page). */
import { useTranslation } from "react-i18next";
import type { InboxItem, User } from "./api.ts";
import { navigate } from "./App.tsx";
import { reportHref } from "./Inbox.tsx";
import { fmtDate } from "./format.ts";
import { categoryName, useCategories, useReportQueue } from "./hooks.ts";

const OPEN = ["in_progress", "follow_up_rejected", "awaiting_validation"];
const ACTIONABLE = new Set(["in_progress", "follow_up_rejected"]);

const TASKS_QUERY = { assignee: "me", state: OPEN.join(","), limit: "100" };
/** What still needs the crew comes first, the oldest deadline first. */
const byUrgency = (a: InboxItem, b: InboxItem) =>
  Number(ACTIONABLE.has(b.state)) - Number(ACTIONABLE.has(a.state)) || (a.resolutionDueAt ?? "").localeCompare(b.resolutionDueAt ?? "");

export function TaskList({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const { items, error } = useReportQueue(TASKS_QUERY, byUrgency);
  const categories = useCategories();

  return (
    <section aria-labelledby="tasks-title">
      <h1 id="tasks-title">{t("tasks.title")} <small className="muted">{user.name}</small></h1>
      {error && <p className="error" role="alert">{error}</p>}
      {items === null ? <p role="status">{t("loading")}</p> : items.length === 0 ? <p role="status" data-testid="tasks-empty">{t("tasks.empty")}</p> : (
        <>
          <p className="muted" role="status">{t("tasks.count", { count: items.filter((i) => ACTIONABLE.has(i.state)).length })}</p>
          <ul className="cards" aria-label={t("tasks.title")}>
            {items.map((r) => (
              <li key={r.ticket} className="card task" data-testid="task-card" data-ticket={r.ticket}>
                <div className="task-head">
                  <a className="ticket" href={reportHref(r.ticket)} onClick={(e) => { e.preventDefault(); navigate(reportHref(r.ticket)); }}>{r.ticket}</a>
                  <span className="state" data-colour={r.colour}><span className={`dot ${r.colour}`} aria-hidden="true" />{r.label}</span>
                  {r.overdue && <span className="overdue">{t("inbox.overdueMark")}</span>}
                </div>
                <p className="task-desc">{r.description}</p>
                <dl className="facts compact">
                  <dt>{t("tasks.where")}</dt><dd>{[r.address, r.kelurahan?.name].filter(Boolean).join(" · ") || "—"}</dd>
                  <dt>{t("report.category")}</dt><dd>{categoryName(categories, r.category)}</dd>
                  <dt>{t("tasks.due")}</dt><dd>{r.resolutionDueAt ? fmtDate(r.resolutionDueAt, i18n.language) : "—"}</dd>
                </dl>
                {ACTIONABLE.has(r.state) ? (
                  <a className="button big" data-testid="task-follow-up" href={`${reportHref(r.ticket)}?aksi=submit_follow_up`}
                    onClick={(e) => { e.preventDefault(); navigate(`${reportHref(r.ticket)}?aksi=submit_follow_up`); }}>
                    {t("tasks.followUp")}
                  </a>
                ) : <p className="muted small">{t("tasks.sent")}</p>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * The administration screens of the officer workspace (/officer/admin/<section>): users, units,
 * categories and their SLA targets, holidays, dead-lettered messages and malformed inbound payloads.
 * Only a JSC administrator may use them; the API refuses everyone else with 403 anyway.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { navigate } from "../App.tsx";
import { adminApi, type AdminUnit } from "./admin-api.ts";
import { messageOf } from "./common.tsx";
import { UsersAdmin } from "./UsersAdmin.tsx";
import { UnitsAdmin } from "./UnitsAdmin.tsx";
import { CategoriesAdmin } from "./CategoriesAdmin.tsx";
import { HolidaysAdmin } from "./HolidaysAdmin.tsx";
import { DeadLettersAdmin } from "./DeadLettersAdmin.tsx";
import { InboundAdmin } from "./InboundAdmin.tsx";
import "./i18n-admin.ts";
import "./admin.css";

export const ADMIN_SECTIONS = ["users", "units", "categories", "holidays", "dead-letters", "inbound"] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

const isSection = (s: string | null): s is AdminSection => !!s && (ADMIN_SECTIONS as readonly string[]).includes(s);

export function AdminPage({ section }: { section: string | null }) {
  const { t } = useTranslation();
  const current: AdminSection = isSection(section) ? section : "users";
  const [actor, setActor] = useState<{ userId: string; role: string } | null | undefined>(undefined);
  const [units, setUnits] = useState<AdminUnit[]>([]);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => {
    adminApi.me().then((r) => setActor(r.actor), (err) => { setActor(null); setError(messageOf(err, t)); });
  }, []);

  const loadUnits = useCallback(async () => {
    try {
      setUnits((await adminApi.units()).items);
    } catch (err) {
      setError(messageOf(err, t));
    }
  }, []);
  const isAdmin = actor?.role === "jsc_admin";
  useEffect(() => {
    if (isAdmin) void loadUnits();
  }, [isAdmin, loadUnits]);

  useEffect(() => {
    document.title = `Aspirasi – ${t("admin.title")}: ${t(`admin.sections.${current}`)}`;
  }, [t, current]);

  // moving between sections moves focus to the new section's heading (not on the first render)
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [current]);

  if (actor === undefined) return <p role="status">{t("admin.loading")}</p>;
  if (!isAdmin) {
    return (
      <section className="card" aria-labelledby="admin-title" data-testid="admin-page">
        <h1 id="admin-title">{t("admin.title")}</h1>
        <p className="error" role="alert" data-testid="admin-no-access">{t("admin.noAccess")}</p>
        {error && <p className="muted small">{error}</p>}
        <p><a href="/officer/" onClick={(e) => { e.preventDefault(); navigate("/officer/"); }}>{t("admin.back")}</a></p>
      </section>
    );
  }

  const onUnitChanged = (u: AdminUnit) =>
    setUnits((list) => (list.some((x) => x.id === u.id) ? list.map((x) => (x.id === u.id ? { ...x, ...u } : x)) : [...list, u].sort((a, b) => a.id.localeCompare(b.id))));

  return (
    <div className="adm" data-testid="admin-page" data-section={current}>
      <h1>{t("admin.title")}</h1>
      <nav aria-label={t("admin.nav")}>
        <ul className="adm-tabs">
          {ADMIN_SECTIONS.map((s) => (
            <li key={s}>
              <a href={`/officer/admin/${s}`} aria-current={s === current ? "page" : undefined} data-testid={`admin-tab-${s}`}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  navigate(`/officer/admin/${s}`);
                }}>
                {t(`admin.sections.${s}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="admin-section-title" data-testid={`admin-${current}`}>
        <h2 id="admin-section-title" ref={heading} tabIndex={-1}>{t(`admin.sections.${current}`)}</h2>
        {error && <p className="error" role="alert">{t("admin.error", { message: error })}</p>}
        {current === "users" && <UsersAdmin units={units} selfId={actor.userId} />}
        {current === "units" && <UnitsAdmin units={units} onChanged={onUnitChanged} />}
        {current === "categories" && <CategoriesAdmin />}
        {current === "holidays" && <HolidaysAdmin />}
        {current === "dead-letters" && <DeadLettersAdmin />}
        {current === "inbound" && <InboundAdmin />}
      </section>
    </div>
  );
}

import { lazy, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { myReports, type MyReport } from "./api.ts";
import { setLanguage, type Language } from "./i18n.ts";
import { ReportForm } from "./ReportForm.tsx";
import { Link, navigate, usePath } from "./router.tsx";
import { TrackBox, TrackPage } from "./TrackPage.tsx";

// The list with its map and the subscription page are loaded when opened: the home page stays small.
const ReportsPage = lazy(() => import("./ReportsPage.tsx"));
const SubscriptionPage = lazy(() => import("./SubscriptionPage.tsx"));

export function App() {
  const { t, i18n } = useTranslation();
  const path = usePath();
  const [mine, setMine] = useState<MyReport[]>(myReports);
  const match = /^\/laporan\/([^/]+)\/?$/.exec(path);
  const ticket = match ? decodeURIComponent(match[1]!) : null;
  const isList = /^\/laporan\/?$/.test(path);
  const subMatch = /^\/langganan\/([^/]+)\/?$/.exec(path);
  const token = subMatch ? decodeURIComponent(subMatch[1]!) : null;

  useEffect(() => {
    const track = (e: Event) => navigate(`/laporan/${encodeURIComponent((e as CustomEvent<string>).detail)}`);
    window.addEventListener("aspirasi:track", track);
    return () => window.removeEventListener("aspirasi:track", track);
  }, []);

  useEffect(() => {
    document.title = ticket ? `${ticket} – ${t("appName")}` : isList ? `${t("listTitle")} – ${t("appName")}` : token ? `${t("subTitle")} – ${t("appName")}` : `${t("appName")} – Aspirasi`;
  }, [ticket, isList, token, t]);

  const other: Language = i18n.language === "en" ? "id" : "en";
  return (
    <>
      <a className="skip" href="#main">{t("skip")}</a>
      <header className="top">
        <div className="wrap bar">
          <Link to="/" className="brand">{t("appName")}</Link>
          <nav aria-label="Aspirasi">
            <Link to="/laporan" data-testid="nav-list" aria-current={isList ? "page" : undefined}>{t("navList")}</Link>
            <a href="/#cek-status" onClick={(e) => { const box = document.getElementById("cek-status"); if (box) { e.preventDefault(); box.scrollIntoView(); } }}>{t("navTrack")}</a>
            <a href="/officer/">{t("officer")}</a>
            <button type="button" className="lang" data-testid="lang-switch" lang={other} aria-label={t("switchLabel")} onClick={() => setLanguage(other)}>{t("switchTo")}</button>
          </nav>
        </div>
      </header>
      <main id="main" className="wrap">
        {isList || token ? (
          <Suspense fallback={<p role="status">{t("loading")}</p>}>
            {isList ? <ReportsPage /> : <SubscriptionPage token={token!} />}
          </Suspense>
        ) : ticket ? (
          <TrackPage ticket={ticket} />
        ) : (
          <>
            <section className="intro">
              <h1>{t("tagline")}</h1>
              <p>{t("intro")}</p>
              <p className="muted">{t("privacy")}</p>
            </section>
            <ReportForm mine={mine} onSubmitted={(r) => setMine((m) => [r, ...m.filter((x) => x.ticket !== r.ticket)])} />
            <TrackBox />
            <MyReports mine={mine} />
          </>
        )}
      </main>
      <footer className="wrap muted small">Aspirasi · Pemerintah Provinsi DKI Jakarta</footer>
    </>
  );
}

function MyReports({ mine }: { mine: MyReport[] }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="mine-h">
      <h2 id="mine-h">{t("mineTitle")}</h2>
      <p className="muted small">{t("mineHint")}</p>
      {mine.length === 0 ? (
        <p className="muted">{t("mineEmpty")}</p>
      ) : (
        <ul className="mine">
          {mine.map((r) => (
            <li key={r.ticket}><Link to={`/laporan/${encodeURIComponent(r.ticket)}`}>{r.ticket}</Link></li>
          ))}
        </ul>
      )}
      <p className="muted small"><Link to="/laporan">{t("publicListMissing")}</Link></p>
    </section>
  );
}

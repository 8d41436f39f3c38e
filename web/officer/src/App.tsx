import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, setCsrf, type Scope, type User } from "./api.ts";
import { Inbox } from "./Inbox.tsx";
import { ReportPage } from "./ReportPage.tsx";
import { TaskList } from "./TaskList.tsx";
import { ValidationQueue } from "./ValidationQueue.tsx";
import { TriageDesk } from "./TriageDesk.tsx";
import "./dashboard/i18n-dashboard.ts";

const BASE = "/officer/";
const USER_KEY = "aspirasi.user";

const MapPage = lazy(() => import("./MapPage.tsx").then((m) => ({ default: m.MapPage })));

// The administration screens (jsc_admin only) load on demand.
const AdminPage = lazy(() => import("./admin/AdminPage.tsx").then((m) => ({ default: m.AdminPage })));

// The dashboard screens (Dasbor, Peringkat, Ringkasan) load on demand; their strings are registered up front for the menu.
const Dashboard = lazy(() => import("./dashboard/Dashboard.tsx").then((m) => ({ default: m.Dashboard })));
const Rankings = lazy(() => import("./dashboard/Rankings.tsx").then((m) => ({ default: m.Rankings })));
const Summary = lazy(() => import("./dashboard/Summary.tsx").then((m) => ({ default: m.Summary })));

export type Screen = "inbox" | "map" | "tasks" | "validation" | "triage" | "admin" | "dashboard" | "rankings" | "summary";

export type Route =
  | { screen: "home" }
  | { screen: Exclude<Screen, "admin"> }
  | { screen: "admin"; section: string | null }
  | { screen: "report"; ticket: string };

const PATHS: Record<Exclude<Screen, "admin">, string> = {
  inbox: "/officer/kotak-masuk",
  map: "/officer/peta",
  tasks: "/officer/tugas",
  validation: "/officer/validasi",
  triage: "/officer/triase",
  dashboard: "/officer/dasbor",
  rankings: "/officer/peringkat",
  summary: "/officer/ringkasan",
};

export function pathOf(screen: Screen): string {
  return screen === "admin" ? "/officer/admin" : PATHS[screen];
}

function currentRoute(): Route {
  const path = window.location.pathname.replace(/\/+$/, "");
  const report = /^\/officer\/laporan\/([^/]+)$/.exec(path);
  if (report?.[1]) return { screen: "report", ticket: decodeURIComponent(report[1]) };
  const admin = /^\/officer\/admin(?:\/([^/]+))?$/.exec(path);
  if (admin) return { screen: "admin", section: admin[1] ? decodeURIComponent(admin[1]) : null };
  for (const [screen, p] of Object.entries(PATHS)) if (path === p) return { screen: screen as Exclude<Screen, "admin"> };
  return { screen: "home" };
}

export function navigate(path: string): void {
  window.history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** The screens a role works in, in menu order. */
export function screensFor(role: string): Screen[] {
  const list: Screen[] = ["inbox", "map", "tasks"];
  if (role === "validator" || role === "supervisor" || role === "jsc_admin") list.push("validation");
  if (role === "jsc_admin") list.push("triage");
  if (role === "jsc_admin") list.push("admin");
  if (role === "ppsu_crew") return ["tasks", "inbox", "map"];
  if (role === "executive") return ["dashboard", "rankings", "summary", "inbox", "map"];
  list.push("dashboard", "rankings");
  if (role === "jsc_admin" || role === "supervisor") list.push("summary"); // the summary is for executives, supervisors and the triage desk
  return list;
}

function homeOf(role: string): Screen {
  return role === "ppsu_crew" ? "tasks" : role === "executive" ? "dashboard" : "inbox";
}

export function App() {
  const { t, i18n } = useTranslation();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [scope, setScope] = useState<Scope | null>(null);
  const [route, setRoute] = useState<Route>(currentRoute());
  const [menuOpen, setMenuOpen] = useState(false);

  const loadMe = useCallback(async () => {
    try {
      const r = await api.me();
      const saved = sessionStorage.getItem(USER_KEY);
      const known = saved ? (JSON.parse(saved) as User) : null;
      const fallback: User = known && known.id === r.actor.userId ? known : { id: r.actor.userId, name: "", role: r.actor.role, unitId: r.actor.unitId };
      setUser(r.user ? { ...fallback, ...r.user } : fallback);
      setScope(r.scope ?? null);
    } catch {
      setUser(null);
    }
  }, []);

  useEffect(() => {
    const onPop = () => {
      setRoute(currentRoute());
      setMenuOpen(false);
    };
    window.addEventListener("popstate", onPop);
    void loadMe();
    return () => window.removeEventListener("popstate", onPop);
  }, [loadMe]);

  // after a client-side navigation keyboard and screen-reader users start at the new page's content
  // (unless the new page already put the focus somewhere, like a form it opened)
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    const at = document.activeElement;
    if (!at || at === document.body || at.closest("header")) document.getElementById("main")?.focus();
  }, [route]);

  const screenTitle = route.screen === "report" ? route.ticket : user && route.screen !== "home" ? t(`nav.${route.screen}`) : user ? t(`nav.${homeOf(user.role)}`) : null;
  useEffect(() => {
    document.title = screenTitle ? `${screenTitle} – Aspirasi – ${t("appTitle")}` : `Aspirasi – ${t("appTitle")}`;
  }, [t, i18n.language, screenTitle]);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setCsrf(null);
      sessionStorage.removeItem(USER_KEY);
      setUser(null);
      setScope(null);
    }
  }, []);

  const switchLang = () => void i18n.changeLanguage(i18n.language === "en" ? "id" : "en");

  const screens = useMemo(() => (user ? screensFor(user.role) : []), [user]);
  const active: Screen | null = !user ? null
    : route.screen === "home" ? homeOf(user.role)
    : route.screen === "report" ? null
    : route.screen;

  let content;
  if (user === undefined) content = <p role="status">{t("loading")}</p>;
  else if (user === null) {
    content = <Login onLogin={(u) => { sessionStorage.setItem(USER_KEY, JSON.stringify(u)); setUser(u); void loadMe(); }} />;
  } else if (route.screen === "report") content = <ReportPage key={route.ticket} ticket={route.ticket} user={user} />;
  else if (active && !screens.includes(active)) content = <p className="error" role="alert" data-testid="screen-forbidden">{t("nav.notForRole")}</p>;
  else {
    switch (active) {
      case "map": content = <Suspense fallback={<p role="status">{t("loading")}</p>}><MapPage user={user} scope={scope} /></Suspense>; break;
      case "tasks": content = <TaskList user={user} />; break;
      case "validation": content = <ValidationQueue user={user} />; break;
      case "triage": content = <TriageDesk user={user} />; break;
      case "dashboard": content = <Suspense fallback={<p role="status">{t("loading")}</p>}><Dashboard user={user} /></Suspense>; break;
      case "rankings": content = <Suspense fallback={<p role="status">{t("loading")}</p>}><Rankings /></Suspense>; break;
      case "summary": content = <Suspense fallback={<p role="status">{t("loading")}</p>}><Summary /></Suspense>; break;
      case "admin":
        content = user.role === "jsc_admin"
          ? <Suspense fallback={<p role="status">{t("loading")}</p>}><AdminPage section={route.screen === "admin" ? route.section : null} /></Suspense>
          : <p className="error" role="alert">{t("nav.forbidden")}</p>;
        break;
      default: content = <Inbox user={user} scope={scope} />;
    }
  }

  return (
    <>
      <a className="skip" href="#main">{t("skip")}</a>
      <header className="top">
        <div className="top-bar">
          <a className="brand" href={BASE} onClick={(e) => { e.preventDefault(); navigate(BASE); }}>Aspirasi · {t("appTitle")}</a>
          <div className="top-right">
            {user && <span className="who" data-testid="who">{t("signedInAs", { name: user.name || user.unitId || "", role: t(`roles.${user.role}`, { defaultValue: user.role }) })}</span>}
            <button type="button" data-testid="lang-switch" lang={i18n.language === "en" ? "id" : "en"} aria-label={t("languageLabel")} onClick={switchLang}>{t("language")}</button>
            {user && <button type="button" onClick={() => void logout()}>{t("logout")}</button>}
            {user && (
              <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" data-testid="menu-toggle" onClick={() => setMenuOpen((o) => !o)}>
                {t("nav.menu")}
              </button>
            )}
          </div>
        </div>
        {user && (
          <nav id="main-nav" className={menuOpen ? "nav open" : "nav"} aria-label={t("nav.label")}>
            <ul>
              {screens.map((s) => {
                const href = pathOf(s);
                return (
                  <li key={s}>
                    <a href={href} data-testid={`nav-${s}`} aria-current={active === s ? "page" : undefined}
                      onClick={(e) => { e.preventDefault(); navigate(href); }}>{t(`nav.${s}`)}</a>
                  </li>
                );
              })}
            </ul>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>{content}</main>
    </>
  );
}

function Login({ onLogin }: { onLogin: (u: User) => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.login(email, password);
      setCsrf(r.csrfToken);
      onLogin(r.user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card login" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
      <h1 id="login-title">{t("login.title")}</h1>
      <label>{t("login.email")}
        <input data-testid="login-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>{t("login.password")}
        <input data-testid="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error && <p className="error" role="alert" data-testid="error">{error}</p>}
      <button data-testid="login-submit" type="submit" disabled={busy}>{busy ? t("login.busy") : t("login.submit")}</button>
    </form>
  );
}

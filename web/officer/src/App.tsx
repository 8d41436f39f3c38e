import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, setCsrf, type User } from "./api.ts";
import { Inbox } from "./Inbox.tsx";
import { ReportPage } from "./ReportPage.tsx";

const BASE = "/officer/";
const USER_KEY = "aspirasi.user";

function currentTicket(): string | null {
  const m = /^\/officer\/laporan\/([^/]+)\/?$/.exec(window.location.pathname);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

export function navigate(path: string): void {
  window.history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function App() {
  const { t, i18n } = useTranslation();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [ticket, setTicket] = useState<string | null>(currentTicket());

  useEffect(() => {
    const onPop = () => setTicket(currentTicket());
    window.addEventListener("popstate", onPop);
    // /api/v1/me carries no name: the login answer kept in sessionStorage fills it in
    api.me().then((r) => {
      const saved = sessionStorage.getItem(USER_KEY);
      const known = saved ? (JSON.parse(saved) as User) : null;
      setUser(known && known.id === r.actor.userId ? known : { id: r.actor.userId, name: "", role: r.actor.role, unitId: r.actor.unitId });
    }, () => setUser(null));
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  useEffect(() => {
    document.title = `Aspirasi – ${t("appTitle")}`;
  }, [t, i18n.language]);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setCsrf(null);
      sessionStorage.removeItem(USER_KEY);
      setUser(null);
    }
  }, []);

  const switchLang = () => void i18n.changeLanguage(i18n.language === "en" ? "id" : "en");

  return (
    <>
      <a className="skip" href="#main">{t("skip")}</a>
      <header className="top">
        <a className="brand" href={BASE} onClick={(e) => { e.preventDefault(); navigate(BASE); }}>Aspirasi · {t("appTitle")}</a>
        <div className="top-right">
          {user && <span className="who">{t("signedInAs", { name: user.name || user.unitId || "", role: user.role })}</span>}
          <button type="button" data-testid="lang-switch" lang={i18n.language === "en" ? "id" : "en"} aria-label={t("languageLabel")} onClick={switchLang}>{t("language")}</button>
          {user && <button type="button" onClick={() => void logout()}>{t("logout")}</button>}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {user === undefined ? <p role="status">{t("loading")}</p>
          : user === null ? <Login onLogin={(u) => { sessionStorage.setItem(USER_KEY, JSON.stringify(u)); setUser(u); }} />
          : ticket ? <ReportPage key={ticket} ticket={ticket} user={user} />
          : <Inbox user={user} />}
      </main>
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

import { lazy, Suspense, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, KINDS, rememberReport, type Candidate, type Category, type Kind, type MyReport, type Point, type Submitted, type Suggestion } from "./api.ts";
import type { Language } from "./i18n.ts";
import { Link } from "./router.tsx";
import { SupportButton } from "./SupportButton.tsx";

const MapPicker = lazy(() => import("./MapPicker.tsx"));

/** Suggestions are asked for once the description says something, after a pause in typing. */
const SUGGEST_MIN_CHARS = 12;
const SUGGEST_DELAY_MS = 400;

type Phase = { name: "edit" } | { name: "checking" } | { name: "duplicates"; items: Candidate[] } | { name: "sending" } | { name: "sent"; result: Submitted };

export function ReportForm({ mine, onSubmitted }: { mine: MyReport[]; onSubmitted(r: MyReport): void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Language;
  const ids = useId();
  const [categories, setCategories] = useState<Category[]>([]);
  const [description, setDescription] = useState("");
  const [kind, setKind] = useState<Kind>("pengaduan");
  const [category, setCategory] = useState("");
  const [point, setPoint] = useState<Point | null>(null);
  const [kelurahan, setKelurahan] = useState<string | null>(null);
  const [address, setAddress] = useState("");
  const [photos, setPhotos] = useState<File[]>([]);
  const [contact, setContact] = useState({ name: "", email: "", phone: "" });
  const [phase, setPhase] = useState<Phase>({ name: "edit" });
  const [error, setError] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const dupHeading = useRef<HTMLHeadingElement>(null);
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);

  // Category suggestions while the citizen types: asked once the typing pauses, the stale answer dropped.
  useEffect(() => {
    const text = description.trim();
    if (text.length < SUGGEST_MIN_CHARS) {
      setSuggestions([]);
      return;
    }
    const abort = new AbortController();
    const timer = window.setTimeout(() => {
      api.suggestions(text, lang, abort.signal).then(setSuggestions, () => undefined);
    }, SUGGEST_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [description, lang]);

  // Changing the report after the duplicate check asks again on the next submit.
  useEffect(() => {
    setPhase((p) => (p.name === "duplicates" ? { name: "edit" } : p));
  }, [description, point, category]);

  const sentHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (phase.name !== "sent") return;
    sentHeading.current?.scrollIntoView({ block: "start" });
    sentHeading.current?.focus();
  }, [phase.name]);

  useEffect(() => {
    if (phase.name !== "duplicates") return;
    dupHeading.current?.scrollIntoView({ block: "start" });
    dupHeading.current?.focus();
  }, [phase.name]);

  useEffect(() => {
    let live = true;
    api.categories(lang).then((c) => live && setCategories(c), () => undefined);
    return () => {
      live = false;
    };
  }, [lang]);

  function locate() {
    if (!navigator.geolocation) return setError(t("locationFailed"));
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setError(null);
        setKelurahan(null);
        setPoint({ lat: p.coords.latitude, lon: p.coords.longitude });
      },
      () => {
        setLocating(false);
        setError(t("locationFailed"));
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  }

  async function send() {
    setPhase({ name: "sending" });
    const form = new FormData();
    form.append("description", description.trim());
    form.append("kind", kind);
    if (category) form.append("category", category);
    if (point) {
      form.append("lat", point.lat.toFixed(6));
      form.append("lon", point.lon.toFixed(6));
    }
    if (address.trim()) form.append("address", address.trim());
    for (const [k, v] of Object.entries(contact)) if (v.trim()) form.append(`contact.${k}`, v.trim());
    form.append("language", lang);
    for (const f of photos.slice(0, 5)) form.append("photos", f);
    try {
      const result = await api.submit(form);
      const mineEntry = { ticket: result.ticket, at: new Date().toISOString(), point };
      rememberReport(mineEntry);
      onSubmitted(mineEntry);
      setPhase({ name: "sent", result });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t("error"));
      setPhase({ name: "edit" });
    }
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!description.trim()) return setError(t("required"));
    // Before a new report, offer the likely duplicates so the citizen can support one instead.
    setPhase({ name: "checking" });
    let items: Candidate[] = [];
    try {
      items = await api.duplicates({ point, description, category }, lang);
    } catch {
      items = []; // the check is a courtesy: never block a report on it
    }
    if (items.length > 0) setPhase({ name: "duplicates", items });
    else await send();
  }

  function reset() {
    setDescription("");
    setCategory("");
    setPoint(null);
    setAddress("");
    setPhotos([]);
    setContact({ name: "", email: "", phone: "" });
    setPhase({ name: "edit" });
  }

  if (phase.name === "sent") {
    const { ticket, label, colour } = phase.result;
    return (
      <section className="card done" aria-labelledby={`${ids}-sent`}>
        <h2 id={`${ids}-sent`} ref={sentHeading} tabIndex={-1}>{t("submittedTitle")}</h2>
        <div role="status" aria-live="polite">
          <p className="muted">{t("yourTicket")}</p>
          <p className="ticket" data-testid="ticket">{ticket}</p>
          <p>
            <span className={`pill ${colour}`}>{label}</span>
          </p>
          <p className="muted">{t("ticketHint")}</p>
        </div>
        <p className="actions">
          <Link className="button" to={`/laporan/${encodeURIComponent(ticket)}`}>{t("openReport")}</Link>
          <button type="button" className="secondary" onClick={reset}>{t("newReport")}</button>
        </p>
      </section>
    );
  }

  const busy = phase.name === "checking" || phase.name === "sending";
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("formTitle")}</h2>
      <form data-testid="report-form" onSubmit={(e) => void onSubmit(e)} noValidate={false}>
        <label htmlFor={`${ids}-desc`}>{t("description")} <span aria-hidden="true" className="req">*</span></label>
        <textarea id={`${ids}-desc`} data-testid="description" required maxLength={5000} rows={4} value={description} onChange={(e) => setDescription(e.target.value)} aria-describedby={`${ids}-desc-hint`} />
        <small id={`${ids}-desc-hint`} className="muted">{t("descriptionHint")}</small>
        <CategoryChips suggestions={suggestions} category={category} categories={categories} onPick={setCategory} />

        <fieldset className="kinds">
          <legend>{t("kind")}</legend>
          {KINDS.map((k) => (
            <label key={k} className="radio">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {t(`kind_${k}`)}
            </label>
          ))}
        </fieldset>

        <label htmlFor={`${ids}-cat`}>{t("category")}</label>
        <select id={`${ids}-cat`} data-testid="category" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">{t("categoryAuto")}</option>
          {categories.map((c) => (
            <option key={c.code} value={c.code}>{c.name}</option>
          ))}
        </select>

        <fieldset>
          <legend>{t("location")}</legend>
          <p className="muted small">{t("mapHint")}</p>
          <Suspense fallback={<div className="map-wrap"><div className="map" /><p className="map-note">{t("mapLoading")}</p></div>}>
            <MapPicker point={point} onPick={(p) => { setPoint(p); setError(null); }} mine={mine} onKelurahan={setKelurahan} />
          </Suspense>
          <div className="row">
            <button type="button" className="secondary" data-testid="locate" onClick={locate} disabled={locating}>{locating ? t("locating") : t("useMyLocation")}</button>
            {point && <button type="button" className="link" onClick={() => { setPoint(null); setKelurahan(null); }}>{t("clearPin")}</button>}
          </div>
          <p className="small" data-testid="pin" aria-live="polite">
            {point ? t("pinAt", { lat: point.lat.toFixed(5), lon: point.lon.toFixed(5) }) + (kelurahan ? ` (${kelurahan})` : "") : t("noPin")}
          </p>
          <label htmlFor={`${ids}-addr`}>{t("address")}</label>
          <input id={`${ids}-addr`} maxLength={500} value={address} onChange={(e) => setAddress(e.target.value)} autoComplete="street-address" />
        </fieldset>

        <label htmlFor={`${ids}-photos`}>{t("photos")}</label>
        <input id={`${ids}-photos`} type="file" accept="image/*" multiple onChange={(e) => setPhotos(Array.from(e.target.files ?? []).slice(0, 5))} />

        <fieldset>
          <legend>{t("contactTitle")}</legend>
          <p className="muted small" id={`${ids}-contact-hint`}>{t("contactHint")}</p>
          <label htmlFor={`${ids}-name`}>{t("name")}</label>
          <input id={`${ids}-name`} data-testid="contact-name" maxLength={120} autoComplete="name" value={contact.name} onChange={(e) => setContact({ ...contact, name: e.target.value })} />
          <label htmlFor={`${ids}-email`}>{t("email")}</label>
          <input id={`${ids}-email`} data-testid="contact-email" type="email" maxLength={254} autoComplete="email" value={contact.email} onChange={(e) => setContact({ ...contact, email: e.target.value })} />
          <label htmlFor={`${ids}-phone`}>{t("phone")}</label>
          <input id={`${ids}-phone`} data-testid="contact-phone" type="tel" maxLength={20} autoComplete="tel" value={contact.phone} onChange={(e) => setContact({ ...contact, phone: e.target.value })} />
        </fieldset>

        <div aria-live="polite" role="status" className="live">
          {phase.name === "checking" && <p>{t("checking")}</p>}
          {phase.name === "sending" && <p>{t("submitting")}</p>}
          {error && <p className="error">{error}</p>}
        </div>

        {phase.name === "duplicates" ? (
          <div className="duplicates" aria-live="polite">
            <h3 ref={dupHeading} tabIndex={-1}>{t("duplicatesTitle")}</h3>
            <p className="muted">{t("duplicatesHint")}</p>
            <ul>
              {phase.items.map((c) => (
                <li key={c.ticket} data-testid="duplicate" className="duplicate">
                  <p>
                    <Link to={`/laporan/${encodeURIComponent(c.ticket)}`}>{c.ticket}</Link> <span className={`pill ${c.colour}`}>{c.label}</span>
                  </p>
                  <p>{c.excerpt}</p>
                  <p className="muted small">
                    {[c.category?.name, c.kelurahan?.name, c.distanceM !== null ? t("away", { m: c.distanceM }) : null, t("supporters", { count: c.supportCount })].filter(Boolean).join(" · ")}
                  </p>
                  <SupportButton ticket={c.ticket} />
                </li>
              ))}
            </ul>
            <button type="button" className="secondary" data-testid="submit-anyway" onClick={() => void send()}>{t("submitAnyway")}</button>
          </div>
        ) : (
          <button type="submit" data-testid="submit-report" disabled={busy}>{busy ? t("submitting") : t("submit")}</button>
        )}
      </form>
    </section>
  );
}

/** The classifier's guesses as chips under the description; one click picks the category, "automatic" undoes it. */
function CategoryChips({ suggestions, category, categories, onPick }: { suggestions: Suggestion[]; category: string; categories: Category[]; onPick(code: string): void }) {
  const { t } = useTranslation();
  const id = useId();
  const picked = categories.find((c) => c.code === category)?.name ?? suggestions.find((s) => s.code === category)?.name;
  return (
    <div className="suggest" data-testid="suggestions">
      {suggestions.length > 0 && (
        <div role="group" aria-labelledby={`${id}-h`}>
          <p id={`${id}-h`} className="small suggest-title">{t("suggestTitle")} <span className="muted">– {t("suggestHint")}</span></p>
          <div className="chips">
            {suggestions.map((s) => (
              <button key={s.code} type="button" className="chip" data-testid="suggestion" data-code={s.code} aria-pressed={category === s.code} onClick={() => onPick(s.code)}>
                {s.name}
              </button>
            ))}
            <button type="button" className="chip" data-testid="suggestion-auto" aria-pressed={category === ""} onClick={() => onPick("")}>{t("categoryAuto")}</button>
          </div>
        </div>
      )}
      {/* always present, so screen readers hear the choice change (not every new set of chips) */}
      <p className="small muted" role="status" aria-live="polite">{suggestions.length > 0 ? (picked ? t("suggestPicked", { name: picked }) : t("suggestAutoPicked")) : ""}</p>
    </div>
  );
}

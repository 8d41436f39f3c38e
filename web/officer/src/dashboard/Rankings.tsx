/** Peringkat: kelurahan or agencies ranked by the API's published method; units below the minimum volume listed apart. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { statsApi, type RankingRow } from "./dashboard-api.ts";
import { num, rate } from "./i18n-dashboard.ts";
import { Loaded, NumLink, useLoad } from "./parts.tsx";
import "./dashboard.css";

const KINDS = ["kelurahan", "agency"] as const;

const unitName = (r: RankingRow) => (typeof r.unit === "string" ? r.unit : r.unit.name);
const unitId = (r: RankingRow) => (typeof r.unit === "string" ? r.unit : r.unit.id);

export function Rankings() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [kind, setKind] = useState<(typeof KINDS)[number]>("kelurahan");
  const load = useLoad(kind, () => statsApi.rankings(kind));
  const days = (n: number | null) => (n === null ? "—" : n.toLocaleString(lang === "en" ? "en-GB" : "id-ID", { maximumFractionDigits: 1 }));

  return (
    <section aria-labelledby="rank-title" className="dash">
      <h1 id="rank-title">{t("rank.title")}</h1>
      <div className="dash-seg tabs" role="tablist" aria-label={t("rank.tabs")}>
        {KINDS.map((k) => (
          <button key={k} type="button" role="tab" id={`rank-tab-${k}`} aria-selected={kind === k} aria-controls="rank-panel" className={kind === k ? "" : "secondary"}
            data-testid={`rank-tab-${k}`} tabIndex={kind === k ? 0 : -1} onClick={() => setKind(k)}
            onKeyDown={(e) => { if (e.key === "ArrowRight" || e.key === "ArrowLeft") { const next = KINDS[(KINDS.indexOf(k) + 1) % KINDS.length]!; setKind(next); document.getElementById(`rank-tab-${next}`)?.focus(); } }}>
            {t(`rank.${k}`)}
          </button>
        ))}
      </div>
      <div id="rank-panel" role="tabpanel" aria-labelledby={`rank-tab-${kind}`} aria-live="polite">
        <Loaded load={load}>
          {(r) => {
            const method = typeof r.method === "string" ? r.method : (lang === "en" ? r.method.en : r.method.id) || r.method.id;
            return (
              <>
                <section className="card" aria-labelledby="rank-method-title">
                  <h2 id="rank-method-title">{t("rank.method")}</h2>
                  <p className="pre" data-testid="rank-method">{method}</p>
                  <p className="muted small" data-testid="rank-min-volume">{t("rank.minVolume", { count: r.minVolume, formatted: num(r.minVolume, lang) })}</p>
                </section>
                <section className="card" aria-labelledby="rank-table-title">
                  <h2 id="rank-table-title">{t(`rank.${kind}`)}</h2>
                  {r.items.length === 0 ? <p className="muted">{t("rank.empty")}</p> : (
                    <div className="dash-scroll">
                      <table className="dash-table rank-table" data-testid="rank-table">
                        <thead><tr>
                          <th scope="col">{t("rank.rank")}</th><th scope="col">{t("rank.unit")}</th><th scope="col">{t("rank.volume")}</th>
                          <th scope="col">{t("rank.onTime")}</th><th scope="col">{t("rank.medianHeld")}</th><th scope="col">{t("rank.reopen")}</th><th scope="col">{t("rank.score")}</th>
                        </tr></thead>
                        <tbody>
                          {r.items.map((row) => (
                            <tr key={unitId(row)} data-testid="rank-row" data-unit={unitId(row)}>
                              <td>{num(row.rank ?? null, lang)}</td>
                              <th scope="row">{unitName(row)}</th>
                              <td><NumLink value={row.volume} label={unitName(row)} query={`unit=${encodeURIComponent(unitId(row))}`} /></td>
                              <td>{rate(row.resolvedOnTimeRate, lang)}</td>
                              <td>{days(row.medianHeldWorkingDays)}</td>
                              <td>{rate(row.reopenRate, lang)}</td>
                              <td>{row.score === null ? "—" : row.score.toLocaleString(lang === "en" ? "en-GB" : "id-ID", { maximumFractionDigits: 1 })}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </section>
                <section className="card" aria-labelledby="rank-unranked-title">
                  <h2 id="rank-unranked-title">{t("rank.unranked")}</h2>
                  {r.unranked.length === 0 ? <p className="muted">{t("rank.noneUnranked")}</p> : (
                    <ul className="plain" data-testid="rank-unranked">
                      {r.unranked.map((row) => (
                        <li key={unitId(row)}>
                          <strong>{unitName(row)}</strong> — {t("rank.volume")} {num(row.volume, lang)} · {typeof row.reason === "string" ? row.reason : row.reason ? (lang === "en" ? row.reason.en : row.reason.id) ?? "" : t("rank.unrankedReason", { count: r.minVolume })}
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              </>
            );
          }}
        </Loaded>
      </div>
    </section>
  );
}

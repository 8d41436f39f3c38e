import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { adminApi, type Holiday } from "./admin-api.ts";
import { AdminTable, Feedback, messageOf, note, type Notice, useDateFormat } from "./common.tsx";

export function HolidaysAdmin() {
  const { t } = useTranslation();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const [items, setItems] = useState<Holiday[] | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [form, setForm] = useState<Holiday>({ date: "", name: "", jointLeave: false });
  const [busy, setBusy] = useState(false);
  const [ok, setOk] = useState<Notice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const formatDate = useDateFormat(false);
  const yearSelect = useRef<HTMLSelectElement>(null);

  const load = useCallback(async (y: number) => {
    setItems(null);
    try {
      setItems((await adminApi.holidays(y)).items);
    } catch (err) {
      setError(messageOf(err, t));
    }
  }, []);
  useEffect(() => void load(year), [year, load]);

  const years = Array.from(new Set([...Array.from({ length: 8 }, (_, i) => thisYear - 3 + i), year])).sort((a, b) => a - b);

  async function add(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const saved = await adminApi.saveHoliday({ ...form, name: form.name.trim() });
      setForm({ date: "", name: "", jointLeave: false });
      setError(null);
      setOk(note("admin.holidays.added", { date: formatDate(saved.date) }));
      const y = Number(saved.date.slice(0, 4));
      if (y !== year) setYear(y);
      else await load(year);
    } catch (err) {
      setOk(null);
      setError(messageOf(err, t));
    } finally {
      setBusy(false);
    }
  }

  async function remove(h: Holiday) {
    setBusy(true);
    try {
      await adminApi.removeHoliday(h.date);
      setItems((list) => list?.filter((x) => x.date !== h.date) ?? null);
      setConfirming(null);
      setError(null);
      setOk(note("admin.holidays.removed", { date: formatDate(h.date) }));
      yearSelect.current?.focus();
    } catch (err) {
      setOk(null);
      setError(messageOf(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="card adm-filters">
        <label>{t("admin.holidays.year")}
          <select ref={yearSelect} value={year} onChange={(e) => setYear(Number(e.target.value))} data-testid="holidays-year">
            {years.map((y) => <option key={y} value={y}>{y}</option>)}
          </select>
        </label>
      </div>

      <Feedback ok={ok} error={error} testId="holidays" />

      {items === null ? <p>{t("admin.loading")}</p> : items.length === 0 ? <p data-testid="holidays-empty">{t("admin.holidays.empty")}</p> : (
        <div className="adm-scroll">
          <p className="muted small">{t("admin.holidays.count", { count: items.length })}</p>
          <AdminTable testId="holidays-table" caption={`${t("admin.holidays.title")} ${year}`} columns={[t("admin.holidays.date"), t("admin.holidays.name"), t("admin.holidays.jointLeave"), t("admin.actions")]}>
              {items.map((h) => (
                <tr key={h.date} data-testid="holiday-row" data-date={h.date}>
                  <td data-label={t("admin.holidays.date")}><time dateTime={h.date}>{formatDate(h.date)}</time></td>
                  <td data-label={t("admin.holidays.name")}>{h.name}</td>
                  <td data-label={t("admin.holidays.jointLeave")}>{h.jointLeave ? t("admin.yes") : t("admin.no")}</td>
                  <td data-label={t("admin.actions")}>
                    {confirming === h.date ? (
                      <div className="adm-confirm" role="group" aria-label={t("admin.holidays.confirm", { date: formatDate(h.date), name: h.name })}>
                        <span>{t("admin.holidays.confirm", { date: formatDate(h.date), name: h.name })}</span>
                        <div className="buttons">
                          <button type="button" className="danger" disabled={busy} autoFocus onClick={() => void remove(h)} data-testid="holiday-remove-confirm">{t("admin.holidays.confirmYes")}</button>
                          <button type="button" className="secondary" onClick={() => setConfirming(null)}>{t("admin.cancel")}</button>
                        </div>
                      </div>
                    ) : (
                      <button type="button" className="secondary" onClick={() => setConfirming(h.date)} data-testid="holiday-remove">
                        {t("admin.holidays.remove")}<span className="sr-only"> {h.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
          </AdminTable>
        </div>
      )}

      <form className="card adm-form" onSubmit={(e) => void add(e)} aria-labelledby="holiday-add-title">
        <h3 id="holiday-add-title">{t("admin.holidays.add")}</h3>
        <label>{t("admin.holidays.date")}
          <input type="date" required value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} data-testid="holiday-date" />
        </label>
        <label>{t("admin.holidays.name")}
          <input required maxLength={200} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="holiday-name" />
        </label>
        <label className="adm-check"><input type="checkbox" checked={form.jointLeave} onChange={(e) => setForm({ ...form, jointLeave: e.target.checked })} data-testid="holiday-joint" />{t("admin.holidays.jointLeave")}</label>
        <button type="submit" disabled={busy} data-testid="holiday-add">{t("admin.holidays.add")}</button>
      </form>
    </>
  );
}

import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { adminApi, DISPUTE_POLICIES, type AdminCategory, type DisputePolicy } from "./admin-api.ts";
import { AdminTable, Feedback, messageOf, note, type Notice, useReturnFocus } from "./common.tsx";

export function CategoriesAdmin() {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<AdminCategory[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [ok, setOk] = useState<Notice | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setItems((await adminApi.categories(i18n.language)).items);
    } catch (err) {
      setError(messageOf(err, t));
    }
  }, [i18n.language]);
  useEffect(() => void load(), [load]);

  const nameOf = (c: AdminCategory) => (i18n.language === "en" ? c.nameEn : c.nameId);

  return (
    <>
      <Feedback ok={ok} error={error} testId="categories" />
      {items === null ? <p>{t("admin.loading")}</p> : items.length === 0 ? <p>{t("admin.categories.empty")}</p> : (
        <div className="adm-scroll">
          <AdminTable testId="categories-table" caption={t("admin.categories.title")} columns={[t("admin.categories.name"), t("admin.categories.firstShort"), t("admin.categories.resolutionShort"), t("admin.categories.dispute"), t("admin.categories.ppsu"), t("admin.users.status"), t("admin.actions")]}>
              {items.map((c) => (
                <CategoryRow key={c.code} category={c} name={nameOf(c)} open={editing === c.code}
                  onToggle={() => { setEditing(editing === c.code ? null : c.code); setError(null); }}
                  onSaved={(saved) => {
                    setItems((list) => list?.map((x) => (x.code === saved.code ? saved : x)) ?? null);
                    setEditing(null);
                    setError(null);
                    setOk(note("admin.saved"));
                  }}
                  onError={(m) => { setOk(null); setError(m); }} />
              ))}
          </AdminTable>
        </div>
      )}
    </>
  );
}

function CategoryRow({ category: c, name, open, onToggle, onSaved, onError }: {
  category: AdminCategory;
  name: string;
  open: boolean;
  onToggle: () => void;
  onSaved: (c: AdminCategory) => void;
  onError: (m: string) => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState(c);
  const [busy, setBusy] = useState(false);
  const [rowError, setRowError] = useState<string | null>(null);
  const editId = `category-edit-${c.code}`;
  const editButton = useReturnFocus(open);

  useEffect(() => {
    if (open) {
      setForm(c);
      setRowError(null);
    }
  }, [open, c]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setRowError(null);
    try {
      onSaved(await adminApi.saveCategory({ ...form, nameId: form.nameId.trim(), nameEn: form.nameEn.trim() }));
    } catch (err) {
      // said beside the form (where the eyes are) and in the section's alert
      setRowError(messageOf(err, t));
      onError(messageOf(err, t));
    } finally {
      setBusy(false);
    }
  }

  const num = (k: "slaFirstActionDays" | "slaResolutionDays" | "disputeWindowDays" | "reopenEscalationThreshold", min: number, testId: string, label: string) => (
    <label>{label}
      <input type="number" inputMode="numeric" required min={min} max={k === "reopenEscalationThreshold" ? 100 : 365} step={1}
        value={Number.isNaN(form[k]) ? "" : form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.valueAsNumber })} data-testid={testId} />
    </label>
  );

  return (
    <>
      <tr data-testid="category-row" data-code={c.code} className={c.active ? "" : "adm-inactive"}>
        <td data-label={t("admin.categories.name")}>{name} <span className="muted small adm-code">{c.code}</span></td>
        <td data-label={t("admin.categories.firstShort")} data-testid="category-first">{t("admin.categories.days", { count: c.slaFirstActionDays })}</td>
        <td data-label={t("admin.categories.resolutionShort")} data-testid="category-resolution" data-days={c.slaResolutionDays}>{t("admin.categories.days", { count: c.slaResolutionDays })}</td>
        <td data-label={t("admin.categories.dispute")}>{t(`admin.categories.policies.${c.disputePolicy}`)}{c.disputePolicy !== "none" ? ` (${t("admin.categories.window", { count: c.disputeWindowDays })})` : ""}</td>
        <td data-label={t("admin.categories.ppsu")}>{c.ppsuAllowed ? t("admin.yes") : t("admin.no")}</td>
        <td data-label={t("admin.users.status")}>{c.active ? t("admin.active") : t("admin.inactive")}</td>
        <td data-label={t("admin.actions")}>
          <button type="button" ref={editButton} className="secondary" aria-expanded={open} aria-controls={open ? editId : undefined} onClick={onToggle} data-testid="category-edit">
            {open ? t("admin.cancel") : t("admin.edit")}<span className="sr-only"> {name}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr className="adm-edit-row">
          <td colSpan={7} id={editId}>
            <form onSubmit={(e) => void submit(e)} aria-label={t("admin.categories.editTitle", { name })} noValidate>
              <div className="adm-edit-grid">
                <label>{t("admin.categories.nameId")}
                  <input required maxLength={200} value={form.nameId} onChange={(e) => setForm({ ...form, nameId: e.target.value })} data-testid="category-name-id" />
                </label>
                <label>{t("admin.categories.nameEn")}
                  <input required maxLength={200} value={form.nameEn} onChange={(e) => setForm({ ...form, nameEn: e.target.value })} data-testid="category-name-en" />
                </label>
                {num("slaFirstActionDays", 0, "category-first-input", t("admin.categories.firstAction"))}
                {num("slaResolutionDays", 1, "category-resolution-input", t("admin.categories.resolution"))}
                <label>{t("admin.categories.dispute")}
                  <select value={form.disputePolicy} onChange={(e) => setForm({ ...form, disputePolicy: e.target.value as DisputePolicy })} data-testid="category-dispute">
                    {DISPUTE_POLICIES.map((p) => <option key={p} value={p}>{t(`admin.categories.policies.${p}`)}</option>)}
                  </select>
                </label>
                {num("disputeWindowDays", 0, "category-dispute-window", t("admin.categories.disputeWindow"))}
                {num("reopenEscalationThreshold", 1, "category-reopen", t("admin.categories.reopenThreshold"))}
                <div>
                  <label className="adm-check"><input type="checkbox" checked={form.ppsuAllowed} onChange={(e) => setForm({ ...form, ppsuAllowed: e.target.checked })} data-testid="category-ppsu" />{t("admin.categories.ppsu")}</label>
                  <label className="adm-check"><input type="checkbox" checked={form.active} onChange={(e) => setForm({ ...form, active: e.target.checked })} data-testid="category-active" />{t("admin.active")}</label>
                </div>
              </div>
              {rowError && <p className="error" data-testid="category-error">{rowError}</p>}
              <div className="buttons">
                <button type="submit" disabled={busy} data-testid="category-save">{t("admin.save")}</button>
                <button type="button" className="secondary" onClick={onToggle}>{t("admin.cancel")}</button>
              </div>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

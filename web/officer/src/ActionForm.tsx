import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type Category, type ReportView, type Unit, type User } from "./api.ts";

const CLOSE_REASONS = ["invalid", "duplicate", "outside_jurisdiction", "no_further_action"] as const;

type Field = "unit" | "note" | "publicComment" | "reason" | "close" | "photos" | "assignee" | "route";

const FIELDS: Record<string, Field[]> = {
  route: ["route", "note"],
  take_up: ["note"],
  coordinate: ["unit", "reason", "publicComment"],
  accept_coordination: ["note"],
  refuse_coordination: ["reason"],
  dispose: ["unit", "note"],
  assign: ["assignee", "note"],
  submit_follow_up: ["note", "publicComment", "photos"],
  validate: ["publicComment"],
  reject_follow_up: ["reason"],
  close: ["close", "publicComment"],
  reopen: ["reason"],
};

let unitsCache: Promise<Unit[]> | null = null;
const loadUnits = () => (unitsCache ??= api.units().then((r) => r.items, (e: unknown) => { unitsCache = null; throw e; }));

export function ActionForm({ action, report, user, onDone, onCancel }: {
  action: string; report: ReportView; user: User; onDone: () => Promise<void>; onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const fields = FIELDS[action] ?? [];
  const has = (f: Field) => fields.includes(f);
  const [units, setUnits] = useState<Unit[]>([]);
  const [unitFilter, setUnitFilter] = useState("");
  const [unit, setUnit] = useState("");
  const [note, setNote] = useState("");
  const [publicComment, setPublicComment] = useState("");
  const [reason, setReason] = useState("");
  const [closeReason, setCloseReason] = useState<string>("");
  const [responsibleParty, setResponsibleParty] = useState("");
  const [duplicateOf, setDuplicateOf] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [officers, setOfficers] = useState<User[] | null>(null);
  const [assignee, setAssignee] = useState("");
  const [categories, setCategories] = useState<Category[]>([]);
  const [category, setCategory] = useState("");
  const [kelurahan, setKelurahan] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  // keyboard users land in the form they opened
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>("input, select, textarea, button[type=submit]")?.focus();
  }, []);

  useEffect(() => {
    if (has("unit") || has("route")) loadUnits().then(setUnits, () => setUnits([]));
    if (has("route")) api.categories(i18n.language).then((r) => setCategories(r.items), () => setCategories([]));
    if (has("assignee")) api.officersOf(report.holdingUnit.id).then((r) => setOfficers(r.items), (e: unknown) => { setOfficers([]); setError(e instanceof ApiError ? e.message : String(e)); });
  }, []);

  const unitOptions = useMemo(() => {
    const holder = report.holdingUnit.id;
    let list = units.filter((u) => u.active && u.id !== holder && u.kind !== "triage");
    if (action === "dispose") list = list.filter((u) => u.parentId === holder);
    const q = unitFilter.trim().toLowerCase();
    if (q) list = list.filter((u) => u.name.toLowerCase().includes(q) || u.id.toLowerCase().includes(q));
    return list.slice(0, 300);
  }, [units, unitFilter, action, report.holdingUnit.id]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const body: Record<string, unknown> = { action };
      if (files.length) {
        setBusy(t("form.uploading"));
        const ids: string[] = [];
        for (const f of files) ids.push((await api.upload(f)).id);
        body.photos = ids;
      }
      setBusy(t("login.busy"));
      if ((has("unit") || has("route")) && unit) body.unit = unit;
      if (note.trim()) body.note = note.trim();
      if (publicComment.trim()) body.publicComment = publicComment.trim();
      if (reason.trim()) body.reason = reason.trim();
      if (has("close") && closeReason) body.closeReason = closeReason;
      if (has("close") && responsibleParty.trim()) body.responsibleParty = responsibleParty.trim();
      if (has("close") && duplicateOf.trim()) body.duplicateOf = duplicateOf.trim();
      if (has("assignee") && assignee) body.assignee = assignee;
      if (has("route") && category) body.category = category;
      if (has("route") && kelurahan.trim()) body.kelurahan = kelurahan.trim();
      await api.transition(report.ticket, body);
      await onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  }

  const unitPicker = (
    <fieldset>
      <legend>{t("form.unit")}</legend>
      <label>{t("form.filterUnits")}<input type="search" value={unitFilter} onChange={(e) => setUnitFilter(e.target.value)} /></label>
      <label>{t("form.unit")}
        <select data-testid="unit-picker" required={action !== "route"} value={unit} onChange={(e) => setUnit(e.target.value)}>
          <option value="">{t("form.chooseUnit")}</option>
          {unitOptions.map((u) => <option key={u.id} value={u.id}>{u.name} ({u.id})</option>)}
        </select>
      </label>
    </fieldset>
  );

  return (
    <form ref={formRef} className="action-form" onSubmit={(e) => void submit(e)} aria-label={t(`actions.${action}`)} data-testid="action-form" data-action={action}>
      <h3>{t(`actions.${action}`)}</h3>
      {has("route") && (
        <>
          <label>{t("form.category")}
            <select data-testid="route-category" value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">—</option>
              {categories.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
            </select>
          </label>
          <label>{t("form.kelurahanCode")}<input data-testid="route-kelurahan" value={kelurahan} pattern="\d{2}\.\d{2}\.\d{2}\.\d{4}" onChange={(e) => setKelurahan(e.target.value)} /></label>
        </>
      )}
      {(has("unit") || has("route")) && unitPicker}
      {has("assignee") && (
        <label>{t("form.assignee")}
          <select data-testid="assignee-picker" required value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">{t("form.chooseAssignee")}</option>
            {(officers ?? []).map((o) => <option key={o.id} value={o.id}>{o.name} ({o.role})</option>)}
          </select>
          {officers && officers.length === 0 && <span className="muted">{t("form.noOfficers")}</span>}
        </label>
      )}
      {has("close") && (
        <>
          <label>{t("form.closeReason")}
            <select data-testid="close-reason" required value={closeReason} onChange={(e) => setCloseReason(e.target.value)}>
              <option value="">—</option>
              {CLOSE_REASONS.map((c) => <option key={c} value={c}>{t(`closeReasons.${c}`)}</option>)}
            </select>
          </label>
          {closeReason === "outside_jurisdiction" && <label>{t("form.responsibleParty")}<input data-testid="responsible-party" required value={responsibleParty} onChange={(e) => setResponsibleParty(e.target.value)} /></label>}
          {closeReason === "duplicate" && <label>{t("form.duplicateOf")}<input data-testid="duplicate-of" required value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)} /></label>}
        </>
      )}
      {has("reason") && <label>{t("form.reason")}<textarea data-testid="action-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} /></label>}
      {has("note") && <label>{t("form.note")}<textarea data-testid="action-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} /></label>}
      {has("publicComment") && <label>{t("form.publicComment")}<textarea data-testid="action-public-comment" rows={2} value={publicComment} onChange={(e) => setPublicComment(e.target.value)} /></label>}
      {has("photos") && (
        <label>{t("form.photos")}
          <input data-testid="follow-up-photo" type="file" accept="image/*" capture="environment" multiple onChange={(e) => setFiles(Array.from(e.target.files ?? []).slice(0, 10))} />
          {files.length > 0 && <span className="muted">{files.map((f) => f.name).join(", ")}</span>}
        </label>
      )}
      {error && <p className="error" role="alert" data-testid="action-error">{error}</p>}
      {busy && <p role="status">{busy}</p>}
      <div className="buttons">
        <button type="submit" data-testid="action-submit" disabled={busy !== null}>{t("form.submit")}</button>
        <button type="button" className="secondary" onClick={onCancel}>{t("form.cancel")}</button>
      </div>
      <p className="muted small">{user.name}</p>
    </form>
  );
}

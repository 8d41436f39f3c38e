import { useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { adminApi, UNIT_KINDS, type AdminUnit, type UnitKind } from "./admin-api.ts";
import { AdminTable, Feedback, messageOf, note, type Notice, unitLabel, UnitPicker, useReturnFocus } from "./common.tsx";

const SHOWN = 100;

export function UnitsAdmin({ units, onChanged }: { units: AdminUnit[]; onChanged: (u: AdminUnit) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const [kind, setKind] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const [ok, setOk] = useState<Notice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const byId = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);

  const matches = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return units.filter((u) => (!kind || u.kind === kind) && (!needle || u.name.toLowerCase().includes(needle) || u.id.toLowerCase().includes(needle)));
  }, [units, q, kind]);

  const saved = (u: AdminUnit, message: Notice) => {
    onChanged(u);
    setError(null);
    setOk(message);
  };
  const failed = (m: string) => {
    setOk(null);
    setError(m);
  };

  return (
    <>
      <div className="card adm-filters" role="search">
        <label>{t("admin.units.search")}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} data-testid="units-search" />
        </label>
        <label>{t("admin.units.kind")}
          <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid="units-kind">
            <option value="">{t("admin.any")}</option>
            {UNIT_KINDS.map((k) => <option key={k} value={k}>{t(`admin.kinds.${k}`)}</option>)}
          </select>
        </label>
      </div>

      <Feedback ok={ok} error={error} testId="units" />

      {matches.length === 0 ? <p>{t("admin.units.empty")}</p> : (
        <div className="adm-scroll">
          <p className="muted small" aria-live="polite">{t("admin.showing", { shown: Math.min(SHOWN, matches.length), count: matches.length })}</p>
          <AdminTable testId="units-table" caption={t("admin.units.title")} columns={[t("admin.units.name"), t("admin.units.id"), t("admin.units.kind"), t("admin.units.parent"), t("admin.users.status"), t("admin.actions")]}>
              {matches.slice(0, SHOWN).map((u) => (
                <UnitRow key={u.id} unit={u} parent={unitLabel(byId, u.parentId)} open={editing === u.id}
                  onToggle={() => setEditing(editing === u.id ? null : u.id)}
                  onSaved={(s) => { saved(s, note("admin.saved")); setEditing(null); }} onError={failed} />
              ))}
          </AdminTable>
        </div>
      )}

      <CreateUnit units={units} onSaved={(u) => saved(u, note("admin.units.created", { name: u.name }))} onError={failed} />
    </>
  );
}

function UnitRow({ unit, parent, open, onToggle, onSaved, onError }: {
  unit: AdminUnit;
  parent: string;
  open: boolean;
  onToggle: () => void;
  onSaved: (u: AdminUnit) => void;
  onError: (m: string) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(unit.name);
  const [active, setActive] = useState(unit.active);
  const [busy, setBusy] = useState(false);
  const editId = `unit-edit-${unit.id}`;
  const editButton = useReturnFocus(open);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      onSaved(await adminApi.saveUnit({ ...unit, name: name.trim(), active }));
    } catch (err) {
      onError(messageOf(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <tr data-testid="unit-row" data-unit={unit.id} className={unit.active ? "" : "adm-inactive"}>
        <td data-label={t("admin.units.name")}>{unit.name}</td>
        <td data-label={t("admin.units.id")}><span className="adm-code">{unit.id}</span></td>
        <td data-label={t("admin.units.kind")}>{t(`admin.kinds.${unit.kind}`)}</td>
        <td data-label={t("admin.units.parent")}>{parent}</td>
        <td data-label={t("admin.users.status")}>{unit.active ? t("admin.active") : t("admin.inactive")}</td>
        <td data-label={t("admin.actions")}>
          <button type="button" ref={editButton} className="secondary" aria-expanded={open} aria-controls={open ? editId : undefined} onClick={onToggle} data-testid="unit-edit">
            {open ? t("admin.cancel") : t("admin.edit")}<span className="sr-only"> {unit.name}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr className="adm-edit-row">
          <td colSpan={6} id={editId}>
            <form onSubmit={(e) => void submit(e)} aria-label={t("admin.units.editTitle", { id: unit.id })}>
              <label>{t("admin.units.name")}
                <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} data-testid="unit-edit-name" />
              </label>
              <label className="adm-check"><input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} data-testid="unit-edit-active" />{t("admin.active")}</label>
              <button type="submit" disabled={busy} data-testid="unit-save">{t("admin.save")}</button>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

function CreateUnit({ units, onSaved, onError }: { units: AdminUnit[]; onSaved: (u: AdminUnit) => void; onError: (m: string) => void }) {
  const { t } = useTranslation();
  const empty = { id: "", kind: "agency" as UnitKind, name: "", parentId: "" };
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const id = form.id.trim();
    // a PUT on an existing code would overwrite that unit: adding never does
    if (units.some((u) => u.id === id)) {
      onError(t("admin.units.exists", { id }));
      return;
    }
    setBusy(true);
    try {
      onSaved(await adminApi.saveUnit({ id, kind: form.kind, name: form.name.trim(), parentId: form.parentId || null, regionCode: null, active: true }));
      setForm(empty);
    } catch (err) {
      onError(messageOf(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card adm-form" onSubmit={(e) => void submit(e)} aria-labelledby="unit-create-title">
      <h3 id="unit-create-title">{t("admin.units.create")}</h3>
      <label>{t("admin.units.id")} <span className="muted small">({t("admin.units.idHint")})</span>
        <input required maxLength={100} pattern="[A-Za-z0-9@._\-]+" value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} data-testid="unit-new-id" />
      </label>
      <label>{t("admin.units.kind")}
        <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as UnitKind })} data-testid="unit-new-kind">
          {UNIT_KINDS.map((k) => <option key={k} value={k}>{t(`admin.kinds.${k}`)}</option>)}
        </select>
      </label>
      <label>{t("admin.units.name")}
        <input required maxLength={200} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="unit-new-name" />
      </label>
      <UnitPicker units={units} value={form.parentId} onChange={(parentId) => setForm({ ...form, parentId })} label={t("admin.units.parent")} testId="unit-new-parent" allowNone />
      <button type="submit" disabled={busy} data-testid="unit-create">{t("admin.units.create")}</button>
    </form>
  );
}

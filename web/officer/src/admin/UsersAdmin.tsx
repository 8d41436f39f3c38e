import { useCallback, useEffect, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { adminApi, ROLES, type AdminUnit, type AdminUser, type Role } from "./admin-api.ts";
import { AdminTable, Feedback, messageOf, note, type Notice, unitLabel, UnitPicker, useReturnFocus } from "./common.tsx";

interface Filter { role: string; unitId: string }
const NO_FILTER: Filter = { role: "", unitId: "" };

export function UsersAdmin({ units, selfId }: { units: AdminUnit[]; selfId: string }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Filter>(NO_FILTER);
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [items, setItems] = useState<AdminUser[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [ok, setOk] = useState<Notice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const byId = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);

  const load = useCallback(async (f: Filter) => {
    setError(null);
    try {
      setItems((await adminApi.users({ role: f.role || undefined, unitId: f.unitId || undefined })).items);
    } catch (err) {
      setError(messageOf(err, t));
    }
  }, []);

  useEffect(() => void load(filter), [filter, load]);

  const replace = (u: AdminUser) => setItems((list) => list?.map((x) => (x.id === u.id ? u : x)) ?? null);

  return (
    <>
      <form className="card adm-filters" aria-label={t("admin.users.filter")} onSubmit={(e) => { e.preventDefault(); setFilter({ ...draft }); }}>
        <label>{t("admin.users.role")}
          <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value })} data-testid="users-filter-role">
            <option value="">{t("admin.any")}</option>
            {ROLES.map((r) => <option key={r} value={r}>{t(`admin.roles.${r}`)}</option>)}
          </select>
        </label>
        <UnitPicker units={units} value={draft.unitId} onChange={(unitId) => setDraft({ ...draft, unitId })} label={t("admin.users.unit")} testId="users-filter-unit" allowNone />
        <div className="buttons">
          <button type="submit" data-testid="users-filter-apply">{t("admin.users.apply")}</button>
          <button type="button" className="secondary" onClick={() => { setDraft(NO_FILTER); setFilter(NO_FILTER); }}>{t("admin.users.reset")}</button>
        </div>
      </form>

      <Feedback ok={ok} error={error} testId="users" />

      {items === null ? <p>{t("admin.loading")}</p> : items.length === 0 ? <p>{t("admin.users.empty")}</p> : (
        <div className="adm-scroll">
          <p className="muted small">{t("admin.users.count", { count: items.length })}</p>
          <AdminTable testId="users-table" caption={t("admin.users.title")} columns={[t("admin.users.name"), t("admin.users.email"), t("admin.users.role"), t("admin.users.unit"), t("admin.users.status"), t("admin.actions")]}>
              {items.map((u) => (
                <UserRow key={u.id} user={u} units={units} byId={byId} self={u.id === selfId} open={editing === u.id}
                  onToggle={() => setEditing(editing === u.id ? null : u.id)}
                  onSaved={(saved, message) => { replace(saved); setError(null); setOk(message); }}
                  onError={(message) => { setOk(null); setError(message); }} />
              ))}
          </AdminTable>
        </div>
      )}

      <CreateUser units={units} onCreated={(u) => { setError(null); setOk(note("admin.users.created", { name: u.name })); void load(filter); }} onError={(m) => { setOk(null); setError(m); }} />
    </>
  );
}

function UserRow({ user, units, byId, self, open, onToggle, onSaved, onError }: {
  user: AdminUser;
  units: AdminUnit[];
  byId: Map<string, AdminUnit>;
  self: boolean;
  open: boolean;
  onToggle: () => void;
  onSaved: (u: AdminUser, message: Notice) => void;
  onError: (message: string) => void;
}) {
  const { t } = useTranslation();
  const [role, setRole] = useState<Role>(user.role);
  const [unitId, setUnitId] = useState(user.unitId ?? "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  async function run(patch: Parameters<typeof adminApi.changeUser>[1], message: (u: AdminUser) => Notice) {
    setBusy(true);
    try {
      const saved = await adminApi.changeUser(user.id, patch);
      onSaved(saved, message(saved));
      return true;
    } catch (err) {
      onError(messageOf(err, t));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const saveRole = (e: FormEvent) => {
    e.preventDefault();
    void run({ role, unitId: unitId || null }, (u) => note("admin.users.changed", { name: u.name }));
  };
  const resetPassword = async (e: FormEvent) => {
    e.preventDefault();
    if (await run({ password }, (u) => note("admin.users.passwordReset", { name: u.name }))) setPassword("");
  };
  const editId = `user-edit-${user.id}`;
  const editButton = useReturnFocus(open);

  return (
    <>
      <tr data-testid="user-row" data-email={user.email} className={user.active ? "" : "adm-inactive"}>
        <td data-label={t("admin.users.name")}>{user.name}</td>
        <td data-label={t("admin.users.email")} className="adm-wrap">{user.email}</td>
        <td data-label={t("admin.users.role")} data-testid="user-role">{t(`admin.roles.${user.role}`)}</td>
        <td data-label={t("admin.users.unit")} data-testid="user-unit">{unitLabel(byId, user.unitId)}</td>
        <td data-label={t("admin.users.status")} data-testid="user-active" data-active={String(user.active)}>{user.active ? t("admin.active") : t("admin.inactive")}</td>
        <td data-label={t("admin.actions")}>
          <button type="button" ref={editButton} className="secondary" aria-expanded={open} aria-controls={open ? editId : undefined} onClick={onToggle} data-testid="user-edit">
            {open ? t("admin.cancel") : t("admin.edit")}<span className="sr-only"> {user.name}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr className="adm-edit-row">
          <td colSpan={6} id={editId}>
            <h3>{t("admin.users.editTitle", { name: user.name })}</h3>
            <div className="adm-edit-grid">
              <form onSubmit={saveRole}>
                <label>{t("admin.users.role")}
                  <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-edit-role">
                    {ROLES.map((r) => <option key={r} value={r}>{t(`admin.roles.${r}`)}</option>)}
                  </select>
                </label>
                <UnitPicker units={units} value={unitId} onChange={setUnitId} label={t("admin.users.unit")} testId="user-edit-unit" allowNone />
                <button type="submit" disabled={busy} data-testid="user-save-role">{t("admin.users.saveRole")}</button>
              </form>
              <form onSubmit={(e) => void resetPassword(e)}>
                <label>{t("admin.users.newPassword")}
                  <input type="password" autoComplete="new-password" minLength={10} maxLength={200} required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="user-reset-password-input" />
                </label>
                <button type="submit" disabled={busy} data-testid="user-reset-password">{t("admin.users.resetPassword")}</button>
              </form>
              <div>
                <button type="button" className="secondary" disabled={busy || self} data-testid="user-toggle-active"
                  onClick={() => void run({ active: !user.active }, (u) => note(u.active ? "admin.users.reactivated" : "admin.users.deactivated", { name: u.name }))}>
                  {user.active ? t("admin.users.deactivate") : t("admin.users.reactivate")}
                </button>
              </div>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function CreateUser({ units, onCreated, onError }: { units: AdminUnit[]; onCreated: (u: AdminUser) => void; onError: (m: string) => void }) {
  const { t } = useTranslation();
  const empty = { name: "", email: "", role: "kelurahan_officer" as Role, unitId: "", password: "" };
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const u = await adminApi.createUser({ name: form.name.trim(), email: form.email.trim(), role: form.role, unitId: form.unitId || null, password: form.password });
      setForm(empty);
      onCreated(u);
    } catch (err) {
      onError(messageOf(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card adm-form" onSubmit={(e) => void submit(e)} aria-labelledby="user-create-title">
      <h3 id="user-create-title">{t("admin.users.create")}</h3>
      <label>{t("admin.users.name")}
        <input required maxLength={120} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="user-new-name" />
      </label>
      <label>{t("admin.users.email")}
        <input type="email" required maxLength={254} autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} data-testid="user-new-email" />
      </label>
      <label>{t("admin.users.role")}
        <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} data-testid="user-new-role">
          {ROLES.map((r) => <option key={r} value={r}>{t(`admin.roles.${r}`)}</option>)}
        </select>
      </label>
      <UnitPicker units={units} value={form.unitId} onChange={(unitId) => setForm({ ...form, unitId })} label={t("admin.users.unit")} testId="user-new-unit" allowNone />
      <label>{t("admin.users.password")}
        <input type="password" required minLength={10} maxLength={200} autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} data-testid="user-new-password" />
      </label>
      <button type="submit" disabled={busy} data-testid="user-create">{t("admin.users.create")}</button>
    </form>
  );
}

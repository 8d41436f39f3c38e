/** The administration screens' strings, added to the officer workspace's "translation" namespace under `admin`. */
// through ../i18n.ts so the bundles are added after i18next.init has run
import i18next from "../i18n.ts";

const id = {
  admin: {
    title: "Administrasi",
    nav: "Bagian administrasi",
    sections: { users: "Pengguna", units: "Unit", categories: "Kategori", holidays: "Hari libur", "dead-letters": "Pesan gagal", inbound: "Masukan rusak" },
    noAccess: "Anda tidak punya akses ke administrasi. Halaman ini hanya untuk admin JSC.",
    back: "← Kotak masuk",
    error: "Gagal: {{message}}",
    loading: "Memuat…",
    saved: "Tersimpan.",
    save: "Simpan",
    cancel: "Batal",
    edit: "Ubah",
    create: "Tambah",
    search: "Cari",
    any: "Semua",
    none: "—",
    yes: "Ya",
    no: "Tidak",
    actions: "Tindakan",
    active: "Aktif",
    inactive: "Nonaktif",
    showing: "Menampilkan {{shown}} dari {{count}}",
    more: "Muat lagi",
    codes: {
      VALIDATION_FAILED: "Data tidak valid", FORBIDDEN: "Tidak diizinkan", UNAUTHENTICATED: "Sesi berakhir, silakan masuk lagi",
      NOT_FOUND: "Tidak ditemukan", UNIT_NOT_FOUND: "Unit tidak dikenal", CONFLICT: "Sudah ada", CSRF_FAILED: "Sesi tidak cocok, muat ulang halaman",
      RATE_LIMITED: "Terlalu banyak permintaan, coba lagi sebentar lagi",
    },
    unitPicker: { search: "Cari unit", choose: "Pilih unit…", noUnit: "(tanpa unit)", matches: "{{count}} unit cocok", matches_one: "{{count}} unit cocok" },
    roles: {
      jsc_admin: "Admin JSC", kelurahan_officer: "Petugas kelurahan", ppsu_crew: "PPSU", agency_officer: "Petugas dinas/suku dinas",
      validator: "Validator", supervisor: "Pengawas", executive: "Pimpinan",
    },
    kinds: {
      kelurahan: "Kelurahan", kecamatan: "Kecamatan", kota: "Kota/Kabupaten", province: "Provinsi", agency: "Dinas",
      sub_office: "Suku dinas", triage: "Verifikasi (JSC)", external: "Instansi luar",
    },
    users: {
      title: "Pengguna", filter: "Saring pengguna", role: "Peran", unit: "Unit", apply: "Terapkan", reset: "Atur ulang",
      name: "Nama", email: "Email", status: "Status", empty: "Tidak ada pengguna.", count: "{{count}} pengguna", count_one: "{{count}} pengguna",
      create: "Tambah petugas", password: "Kata sandi awal (min. 10 karakter)", created: "Petugas {{name}} dibuat.",
      editTitle: "Ubah {{name}}", saveRole: "Simpan peran dan unit", newPassword: "Kata sandi baru (min. 10 karakter)",
      resetPassword: "Atur ulang kata sandi", passwordReset: "Kata sandi {{name}} diganti.", deactivate: "Nonaktifkan", reactivate: "Aktifkan kembali",
      deactivated: "{{name}} dinonaktifkan.", reactivated: "{{name}} aktif kembali.", changed: "Peran dan unit {{name}} disimpan.",
    },
    units: {
      title: "Unit", search: "Cari nama atau kode", kind: "Jenis", parent: "Induk", id: "Kode unit", name: "Nama", empty: "Tidak ada unit yang cocok.",
      create: "Tambah unit", idHint: "huruf, angka, @ . _ -", created: "Unit {{name}} disimpan.", editTitle: "Ubah unit {{id}}", exists: "Kode unit {{id}} sudah dipakai; ubah unit itu dari daftar.",
    },
    categories: {
      title: "Kategori", name: "Nama", code: "Kode", firstAction: "Tindakan pertama (hari kerja)", resolution: "Penyelesaian (hari kerja)",
      firstShort: "Tindakan pertama", resolutionShort: "Penyelesaian", days: "{{count}} hari kerja", days_one: "{{count}} hari kerja",
      dispute: "Sanggahan", window: "{{count}} hari", window_one: "{{count}} hari", disputeWindow: "Batas sanggahan (hari)", reopenThreshold: "Eskalasi setelah dibuka ulang (kali)", ppsu: "Boleh PPSU",
      nameId: "Nama (Bahasa Indonesia)", nameEn: "Nama (English)", editTitle: "Ubah kategori {{name}}", empty: "Tidak ada kategori.",
      policies: { reporter_only: "Hanya pelapor", any_citizen: "Warga mana pun", none: "Tidak bisa disanggah" },
    },
    holidays: {
      title: "Hari libur", year: "Tahun", date: "Tanggal", name: "Nama", jointLeave: "Cuti bersama", empty: "Belum ada hari libur pada tahun ini.",
      add: "Tambah hari libur", added: "Hari libur {{date}} disimpan.", remove: "Hapus", confirm: "Hapus hari libur {{date}} ({{name}})?",
      confirmYes: "Ya, hapus", removed: "Hari libur {{date}} dihapus.", count: "{{count}} hari libur", count_one: "{{count}} hari libur",
    },
    dead: {
      title: "Pesan keluar gagal", intro: "Pesan yang berhenti dicoba setelah gagal. Kirim ulang setelah penyebabnya diperbaiki.",
      channel: "Kanal", template: "Templat", error: "Kesalahan terakhir", attempts: "Percobaan", time: "Waktu", report: "Laporan",
      retry: "Kirim ulang", retried: "Pesan #{{id}} diantrekan ulang.", empty: "Tidak ada pesan gagal.", count: "{{count}} pesan", count_one: "{{count}} pesan",
    },
    inbound: {
      title: "Masukan rusak", intro: "Kiriman dari kanal yang tidak bisa dibaca. Lihat isinya, lalu antrekan ulang setelah diperbaiki.",
      channel: "Kanal", channelHint: "mis. sms, whatsapp, email", error: "Kesalahan", received: "Diterima", size: "Ukuran", contentType: "Jenis isi",
      view: "Lihat isi", hide: "Tutup isi", body: "Isi mentah #{{id}}", base64: "Isi biner, ditampilkan sebagai base64.", headers: "Header",
      requeue: "Antrekan ulang", requeued: "Kiriman #{{id}} diantrekan ulang.", empty: "Tidak ada masukan rusak.", count: "{{count}} kiriman", count_one: "{{count}} kiriman",
      bytes: "{{count}} bita", bytes_one: "{{count}} bita",
    },
  },
};

type Tree = { [k: string]: string | Tree };

const en: typeof id & Tree = {
  admin: {
    title: "Administration",
    nav: "Administration sections",
    sections: { users: "Users", units: "Units", categories: "Categories", holidays: "Holidays", "dead-letters": "Dead letters", inbound: "Malformed inbound" },
    noAccess: "You have no access to administration. This page is for JSC administrators only.",
    back: "← Inbox",
    error: "Failed: {{message}}",
    loading: "Loading…",
    saved: "Saved.",
    save: "Save",
    cancel: "Cancel",
    edit: "Edit",
    create: "Add",
    search: "Search",
    any: "All",
    none: "—",
    yes: "Yes",
    no: "No",
    actions: "Actions",
    active: "Active",
    inactive: "Inactive",
    showing: "Showing {{shown}} of {{count}}",
    more: "Load more",
    codes: {
      VALIDATION_FAILED: "Invalid data", FORBIDDEN: "Not allowed", UNAUTHENTICATED: "Your session ended, please sign in again",
      NOT_FOUND: "Not found", UNIT_NOT_FOUND: "Unknown unit", CONFLICT: "Already exists", CSRF_FAILED: "Session mismatch, reload the page",
      RATE_LIMITED: "Too many requests, try again shortly",
    },
    unitPicker: { search: "Search units", choose: "Choose a unit…", noUnit: "(no unit)", matches: "{{count}} matching units", matches_one: "{{count}} matching unit" },
    roles: {
      jsc_admin: "JSC administrator", kelurahan_officer: "Kelurahan officer", ppsu_crew: "PPSU crew", agency_officer: "Agency officer",
      validator: "Validator", supervisor: "Supervisor", executive: "Executive",
    },
    kinds: {
      kelurahan: "Kelurahan", kecamatan: "Kecamatan", kota: "City/regency", province: "Province", agency: "Agency",
      sub_office: "Sub-office", triage: "Triage (JSC)", external: "External body",
    },
    users: {
      title: "Users", filter: "Filter users", role: "Role", unit: "Unit", apply: "Apply", reset: "Reset",
      name: "Name", email: "E-mail", status: "Status", empty: "No users.", count: "{{count}} users", count_one: "{{count}} user",
      create: "Add an officer", password: "Initial password (at least 10 characters)", created: "Officer {{name}} created.",
      editTitle: "Edit {{name}}", saveRole: "Save role and unit", newPassword: "New password (at least 10 characters)",
      resetPassword: "Reset password", passwordReset: "{{name}}'s password was changed.", deactivate: "Deactivate", reactivate: "Reactivate",
      deactivated: "{{name}} deactivated.", reactivated: "{{name}} is active again.", changed: "{{name}}'s role and unit saved.",
    },
    units: {
      title: "Units", search: "Search name or code", kind: "Kind", parent: "Parent", id: "Unit code", name: "Name", empty: "No matching units.",
      create: "Add a unit", idHint: "letters, digits, @ . _ -", created: "Unit {{name}} saved.", editTitle: "Edit unit {{id}}", exists: "The unit code {{id}} is taken; edit that unit from the list.",
    },
    categories: {
      title: "Categories", name: "Name", code: "Code", firstAction: "First action (working days)", resolution: "Resolution (working days)",
      firstShort: "First action", resolutionShort: "Resolution", days: "{{count}} working days", days_one: "{{count}} working day",
      dispute: "Disputes", window: "{{count}} days", window_one: "{{count}} day", disputeWindow: "Dispute window (days)", reopenThreshold: "Escalate after reopens (times)", ppsu: "PPSU allowed",
      nameId: "Name (Bahasa Indonesia)", nameEn: "Name (English)", editTitle: "Edit category {{name}}", empty: "No categories.",
      policies: { reporter_only: "Reporter only", any_citizen: "Any citizen", none: "No disputes" },
    },
    holidays: {
      title: "Holidays", year: "Year", date: "Date", name: "Name", jointLeave: "Joint leave", empty: "No holidays in this year yet.",
      add: "Add a holiday", added: "Holiday {{date}} saved.", remove: "Remove", confirm: "Remove the holiday on {{date}} ({{name}})?",
      confirmYes: "Yes, remove", removed: "Holiday {{date}} removed.", count: "{{count}} holidays", count_one: "{{count}} holiday",
    },
    dead: {
      title: "Dead-lettered messages", intro: "Outbound messages that were given up on. Retry once the cause is fixed.",
      channel: "Channel", template: "Template", error: "Last error", attempts: "Attempts", time: "Time", report: "Report",
      retry: "Retry", retried: "Message #{{id}} queued again.", empty: "No dead-lettered messages.", count: "{{count}} messages", count_one: "{{count}} message",
    },
    inbound: {
      title: "Malformed inbound", intro: "Payloads from a channel that could not be read. View the body, then requeue once fixed.",
      channel: "Channel", channelHint: "e.g. sms, whatsapp, email", error: "Error", received: "Received", size: "Size", contentType: "Content type",
      view: "View body", hide: "Hide body", body: "Raw body #{{id}}", base64: "Binary body, shown as base64.", headers: "Headers",
      requeue: "Requeue", requeued: "Payload #{{id}} queued again.", empty: "No malformed payloads.", count: "{{count}} payloads", count_one: "{{count}} payload",
      bytes: "{{count}} bytes", bytes_one: "{{count}} byte",
    },
  },
};

i18next.addResourceBundle("id", "translation", id, true, true);
i18next.addResourceBundle("en", "translation", en, true, true);

import i18next from "i18next";
import { initReactI18next } from "react-i18next";

const id = {
  appTitle: "Ruang Kerja Petugas",
  skip: "Lewati ke isi",
  language: "English",
  languageLabel: "Ganti bahasa ke English",
  login: { title: "Masuk petugas", email: "Email", password: "Kata sandi", submit: "Masuk", busy: "Memproses…" },
  logout: "Keluar",
  signedInAs: "Masuk sebagai {{name}} ({{role}})",
  inbox: {
    title: "Kotak masuk", filters: "Saring", state: "Status", colour: "Warna", channel: "Kanal", category: "Kategori",
    unit: "Unit", overdue: "Lewat tenggat", q: "Cari (nomor/teks)", apply: "Terapkan", reset: "Atur ulang", any: "Semua",
    more: "Muat lagi", empty: "Tidak ada laporan.", ticket: "Nomor", age: "Umur", kelurahan: "Kelurahan", holder: "Unit pemegang",
    overdueMark: "Lewat tenggat", quick: "Saringan cepat", onMap: "Lihat di peta", kelurahanCode: "Kode wilayah (awalan)",
    fromDashboard: "Dari dasbor", heldNow: "hanya yang dipegang unit Anda sekarang atau di wilayah Anda", createdAfter: "dibuat sejak {{date}}",
    createdBefore: "dibuat sebelum {{date}}", redReason: "merah: {{reason}}", clearDashboard: "Hapus saringan dasbor",
    reopenedMark: "Dibuka ulang {{count}}×", chips: { reopened: "Dibuka ulang", mine: "Ditugaskan ke saya", area: "Wilayah saya", coordination: "Dalam koordinasi", overdue: "Lewat tenggat" },
    days: "{{count}} hari", hours: "{{count}} jam", count: "{{count}} laporan", count_one: "{{count}} laporan", count_other: "{{count}} laporan",
  },
  states: { triage: "Verifikasi", waiting: "Menunggu", coordination: "Koordinasi", disposition: "Disposisi", in_progress: "Proses", awaiting_validation: "Menunggu Validasi", follow_up_rejected: "TL Ditolak", done: "Selesai", closed: "Ditutup" },
  colours: { red: "Merah", yellow: "Kuning", green: "Hijau", grey: "Abu-abu" },
  report: {
    back: "← Kembali ke daftar", description: "Uraian", map: "Peta", noLocation: "Tanpa titik lokasi.", mapLabel: "Peta lokasi laporan, titik {{lat}}, {{lon}}", mapFallback: "Peta tidak dapat dimuat. Titik: {{lat}}, {{lon}}",
    photos: "Foto", noPhotos: "Belum ada foto.", timeline: "Riwayat lintas kanal", sla: "SLA", firstDue: "Tindakan pertama paling lambat",
    resolutionDue: "Penyelesaian paling lambat", overdue: "Lewat tenggat", onTime: "Dalam tenggat", workingDays: "Hari kerja terbuka",
    held: "Waktu dipegang per unit", triage: "Dugaan triase", evidence: "Tanda bukti", noFlags: "Tidak ada tanda",
    actions: "Tindakan", noActions: "Tidak ada tindakan yang tersedia untuk Anda.", citizen: "Pelapor", category: "Kategori",
    kelurahan: "Kelurahan", holder: "Unit pemegang", channel: "Kanal", forbidden: "Laporan ini di luar wilayah kerja Anda.",
    notFound: "Laporan tidak ditemukan.", done: "Tersimpan.", support: "Dukungan", reopened: "Dibuka ulang",
  },
  actions: {
    route: "Arahkan", take_up: "Tangani", coordinate: "Koordinasikan", accept_coordination: "Terima koordinasi",
    refuse_coordination: "Tolak koordinasi", dispose: "Disposisikan", assign: "Tugaskan", submit_follow_up: "Kirim tindak lanjut",
    validate: "Validasi", reject_follow_up: "Tolak tindak lanjut", close: "Tutup", reopen: "Buka ulang",
  },
  form: {
    unit: "Unit tujuan", chooseUnit: "Pilih unit…", filterUnits: "Cari unit", note: "Catatan internal", publicComment: "Komentar publik",
    reason: "Alasan", closeReason: "Alasan penutupan", responsibleParty: "Pihak yang berwenang", duplicateOf: "Duplikat dari nomor",
    photos: "Foto tindak lanjut", assignee: "Petugas", chooseAssignee: "Pilih petugas…", category: "Kategori", kelurahanCode: "Kode kelurahan (mis. 31.71.01.1001)",
    submit: "Kirim", cancel: "Batal", uploading: "Mengunggah foto…", noOfficers: "Tidak ada petugas di unit ini.",
  },
  closeReasons: { invalid: "Tidak valid", duplicate: "Duplikat", outside_jurisdiction: "Di luar kewenangan", no_further_action: "Tidak perlu tindakan lanjut" },
  events: {
    created: "Laporan masuk", routed: "Diarahkan", taken_up: "Ditangani", coordinated: "Dikoordinasikan", coordination_accepted: "Koordinasi diterima",
    coordination_refused: "Koordinasi ditolak", disposed: "Didisposisikan", assigned: "Ditugaskan", follow_up_submitted: "Tindak lanjut dikirim",
    follow_up_validated: "Tindak lanjut divalidasi", follow_up_rejected: "Tindak lanjut ditolak", closed: "Ditutup", reopened: "Dibuka ulang",
    disputed: "Disanggah warga", message_in: "Pesan masuk", message_out: "Pesan keluar", comment: "Komentar warga",
    outbound_message: "Pesan ke pelapor", officer_reply: "Balasan petugas", supported: "Dukungan warga", escalated: "Dieskalasi", sla_breached: "Tenggat SLA terlewati", duplicate_linked: "Duplikat ditautkan",
  },
  triage: { automatic: "Diarahkan otomatis", yes: "Ya", no: "Tidak", place: "Tempat", outside: "Di luar wilayah", categories: "Kategori", kind: "Jenis", words: "Kata penentu", flags: "Tanda isi" },
  nav: {
    label: "Menu utama", menu: "Menu", inbox: "Kotak masuk", map: "Peta", tasks: "Tugas saya", validation: "Validasi",
    triage: "Meja triase", admin: "Administrasi", forbidden: "Halaman ini hanya untuk admin JSC.", notForRole: "Halaman ini bukan untuk peran Anda.",
  },
  roles: {
    jsc_admin: "Admin JSC", kelurahan_officer: "Petugas kelurahan", ppsu_crew: "PPSU", agency_officer: "Petugas dinas",
    validator: "Validator", supervisor: "Supervisor", executive: "Pimpinan",
  },
  views: {
    title: "Tampilan tersimpan", none: "Belum ada tampilan tersimpan.", name: "Nama tampilan untuk saringan ini", save: "Simpan tampilan",
    saved: "Tampilan \u201c{{name}}\u201d disimpan.", deleted: "Tampilan \u201c{{name}}\u201d dihapus.", applied: "Tampilan \u201c{{name}}\u201d diterapkan.", delete: "Hapus tampilan {{name}}",
  },
  tasks: {
    title: "Tugas saya", empty: "Tidak ada tugas untuk Anda saat ini.", count: "{{count}} tugas perlu tindak lanjut", count_one: "{{count}} tugas perlu tindak lanjut", count_other: "{{count}} tugas perlu tindak lanjut",
    where: "Lokasi", due: "Tenggat", followUp: "Kirim tindak lanjut", sent: "Tindak lanjut terkirim, menunggu validasi.",
  },
  validation: {
    title: "Antrean validasi", empty: "Tidak ada tindak lanjut yang menunggu validasi.", show: "Lihat bukti", hide: "Tutup bukti",
    validated: "{{ticket}} divalidasi.", rejected: "Tindak lanjut {{ticket}} ditolak.",
  },
  desk: {
    title: "Meja triase", empty: "Tidak ada laporan di meja triase.", why: "Alasan triase", routeSuggested: "Arahkan sesuai saran: {{category}}, {{kelurahan}}",
    noSuggestion: "Tidak ada saran lengkap", manual: "Pilih sendiri", invalid: "Tutup: tidak valid", invalidWhy: "Penjelasan untuk pelapor",
    routed: "{{ticket}} diarahkan.", closed: "{{ticket}} ditutup sebagai tidak valid.",
    flag: { spam: "Spam/promosi", abusive: "Kasar", no_substance: "Tanpa isi", unclear: "Tidak jelas", not_a_report: "Bukan laporan" },
  },
  map: {
    title: "Peta laporan", label: "Peta laporan di wilayah kerja Anda", summary: "{{count}} laporan bertitik", summary_one: "{{count}} laporan bertitik", summary_other: "{{count}} laporan bertitik",
    failed: "Peta tidak dapat dimuat di peramban ini; gunakan daftar di bawah.", cluster: "{{count}} laporan di sini, perbesar", legend: "Keterangan", scope: "Wilayah kerja Anda",
    list: "Daftar laporan di peta ({{count}})",
  },
  dup: {
    title: "Duplikat", candidates: "Kemungkinan duplikat", none: "Tidak ada laporan serupa di sekitar.", likely: "Kemungkinan besar sama",
    similarity: "Kemiripan teks {{value}}%", distance: "{{value}} m", mark: "Tandai duplikat dari {{ticket}}",
    confirm: "{{ticket}} akan ditutup sebagai duplikat dari {{original}}; pelapornya menjadi pendukung laporan asli.", confirmButton: "Ya, tandai duplikat",
    marked: "Ditandai sebagai duplikat dari {{ticket}}.", isDuplicateOf: "Laporan ini duplikat dari", linked: "Duplikat yang ditautkan", indirect: "tidak langsung",
  },
  reply: {
    title: "Balas pelapor", template: "Templat", noTemplate: "Tanpa templat", text: "Pesan untuk pelapor", send: "Kirim balasan",
    hint: "Dikirim lewat kanal {{channel}}. {{count}}/{{max}} karakter.", sent: "Balasan dikirim.",
    noChannel: "Pelapor tidak dapat dihubungi: laporan ini tidak punya kanal balasan.",
    statusOnly: "Laporan dari {{channel}}: kanal ini hanya menampilkan status dan komentar publik, tidak menerima pesan. Tulis komentar publik saat mengubah status.", forbidden: "Anda tidak boleh membalas laporan ini.",
    status: { pending: "Menunggu kirim", queued: "Dalam antrean", sending: "Sedang dikirim", sent: "Terkirim", delivered: "Diterima", failed: "Gagal", dead: "Gagal permanen", skipped: "Dilewati" },
  },
  reasons: { duplicate_linked: "duplikat ditautkan ke laporan ini" },
  to: "ke",
  loading: "Memuat…",
  error: "Kesalahan: {{message}}",
};

type Tree = { [k: string]: string | Tree };

const en: typeof id & Tree = {
  appTitle: "Officer workspace",
  skip: "Skip to content",
  language: "Bahasa Indonesia",
  languageLabel: "Switch language to Bahasa Indonesia",
  login: { title: "Officer sign-in", email: "E-mail", password: "Password", submit: "Sign in", busy: "Working…" },
  logout: "Sign out",
  signedInAs: "Signed in as {{name}} ({{role}})",
  inbox: {
    title: "Inbox", filters: "Filter", state: "State", colour: "Colour", channel: "Channel", category: "Category",
    unit: "Unit", overdue: "Overdue", q: "Search (ticket/text)", apply: "Apply", reset: "Reset", any: "All",
    more: "Load more", empty: "No reports.", ticket: "Ticket", age: "Age", kelurahan: "Kelurahan", holder: "Holding unit",
    overdueMark: "Overdue", quick: "Quick filters", onMap: "Show on map", kelurahanCode: "Region code (prefix)",
    fromDashboard: "From the dashboard", heldNow: "only what your units hold now or what lies in your area", createdAfter: "created since {{date}}",
    createdBefore: "created before {{date}}", redReason: "red: {{reason}}", clearDashboard: "Clear dashboard filters",
    reopenedMark: "Reopened {{count}}×", chips: { reopened: "Reopened", mine: "Assigned to me", area: "My area", coordination: "In coordination", overdue: "Overdue" },
    days: "{{count}} d", hours: "{{count}} h", count: "{{count}} reports", count_one: "{{count}} report", count_other: "{{count}} reports",
  },
  states: { triage: "Triage", waiting: "Waiting", coordination: "Coordination", disposition: "Disposition", in_progress: "In progress", awaiting_validation: "Awaiting validation", follow_up_rejected: "Follow-up rejected", done: "Done", closed: "Closed" },
  colours: { red: "Red", yellow: "Yellow", green: "Green", grey: "Grey" },
  report: {
    back: "← Back to the list", description: "Description", map: "Map", noLocation: "No location point.", mapLabel: "Map of the report's location, point {{lat}}, {{lon}}", mapFallback: "The map could not load. Point: {{lat}}, {{lon}}",
    photos: "Photos", noPhotos: "No photos yet.", timeline: "Cross-channel timeline", sla: "SLA", firstDue: "First action due",
    resolutionDue: "Resolution due", overdue: "Overdue", onTime: "On time", workingDays: "Working days open",
    held: "Time held per unit", triage: "Triage guesses", evidence: "Evidence flags", noFlags: "No flags",
    actions: "Actions", noActions: "No actions are available to you.", citizen: "Reporter", category: "Category",
    kelurahan: "Kelurahan", holder: "Holding unit", channel: "Channel", forbidden: "This report is outside your scope.",
    notFound: "Report not found.", done: "Saved.", support: "Supports", reopened: "Reopened",
  },
  actions: {
    route: "Route", take_up: "Take up", coordinate: "Coordinate", accept_coordination: "Accept coordination",
    refuse_coordination: "Refuse coordination", dispose: "Dispose", assign: "Assign", submit_follow_up: "Submit follow-up",
    validate: "Validate", reject_follow_up: "Reject follow-up", close: "Close", reopen: "Reopen",
  },
  form: {
    unit: "Target unit", chooseUnit: "Choose a unit…", filterUnits: "Search units", note: "Internal note", publicComment: "Public comment",
    reason: "Reason", closeReason: "Close reason", responsibleParty: "Responsible party", duplicateOf: "Duplicate of ticket",
    photos: "Follow-up photos", assignee: "Officer", chooseAssignee: "Choose an officer…", category: "Category", kelurahanCode: "Kelurahan code (e.g. 31.71.01.1001)",
    submit: "Submit", cancel: "Cancel", uploading: "Uploading photos…", noOfficers: "No officers in this unit.",
  },
  closeReasons: { invalid: "Invalid", duplicate: "Duplicate", outside_jurisdiction: "Outside jurisdiction", no_further_action: "No further action" },
  events: {
    created: "Report received", routed: "Routed", taken_up: "Taken up", coordinated: "Coordinated", coordination_accepted: "Coordination accepted",
    coordination_refused: "Coordination refused", disposed: "Disposed", assigned: "Assigned", follow_up_submitted: "Follow-up submitted",
    follow_up_validated: "Follow-up validated", follow_up_rejected: "Follow-up rejected", closed: "Closed", reopened: "Reopened",
    disputed: "Disputed by a citizen", message_in: "Message in", message_out: "Message out", comment: "Citizen comment",
    outbound_message: "Message to the reporter", officer_reply: "Officer reply", supported: "Citizen support", escalated: "Escalated", sla_breached: "SLA deadline missed", duplicate_linked: "Duplicate linked",
  },
  triage: { automatic: "Routed automatically", yes: "Yes", no: "No", place: "Place", outside: "Outside the area", categories: "Categories", kind: "Kind", words: "Deciding words", flags: "Content flags" },
  nav: {
    label: "Main menu", menu: "Menu", inbox: "Inbox", map: "Map", tasks: "My tasks", validation: "Validation",
    triage: "Triage desk", admin: "Administration", forbidden: "This page is for JSC administrators only.", notForRole: "This page is not for your role.",
  },
  roles: {
    jsc_admin: "JSC admin", kelurahan_officer: "Kelurahan officer", ppsu_crew: "PPSU", agency_officer: "Agency officer",
    validator: "Validator", supervisor: "Supervisor", executive: "Executive",
  },
  views: {
    title: "Saved views", none: "No saved views yet.", name: "Name for these filters", save: "Save view",
    saved: "View \u201c{{name}}\u201d saved.", deleted: "View \u201c{{name}}\u201d deleted.", applied: "View \u201c{{name}}\u201d applied.", delete: "Delete view {{name}}",
  },
  tasks: {
    title: "My tasks", empty: "No tasks for you right now.", count: "{{count}} tasks need a follow-up", count_one: "{{count}} task needs a follow-up", count_other: "{{count}} tasks need a follow-up",
    where: "Location", due: "Due", followUp: "Submit follow-up", sent: "Follow-up sent, awaiting validation.",
  },
  validation: {
    title: "Validation queue", empty: "No follow-ups await validation.", show: "Show evidence", hide: "Hide evidence",
    validated: "{{ticket}} validated.", rejected: "Follow-up of {{ticket}} rejected.",
  },
  desk: {
    title: "Triage desk", empty: "No reports at the triage desk.", why: "Triage's reason", routeSuggested: "Route as suggested: {{category}}, {{kelurahan}}",
    noSuggestion: "No complete suggestion", manual: "Choose myself", invalid: "Close: invalid", invalidWhy: "Explanation for the reporter",
    routed: "{{ticket}} routed.", closed: "{{ticket}} closed as invalid.",
    flag: { spam: "Spam/promotion", abusive: "Abusive", no_substance: "No substance", unclear: "Unclear", not_a_report: "Not a report" },
  },
  map: {
    title: "Report map", label: "Map of the reports in your scope", summary: "{{count}} reports with a point", summary_one: "{{count}} report with a point", summary_other: "{{count}} reports with a point",
    failed: "The map cannot load in this browser; use the list below.", cluster: "{{count}} reports here, zoom in", legend: "Legend", scope: "Your area",
    list: "Reports on the map ({{count}})",
  },
  dup: {
    title: "Duplicates", candidates: "Possible duplicates", none: "No similar reports nearby.", likely: "Likely the same",
    similarity: "Text similarity {{value}}%", distance: "{{value}} m", mark: "Mark as duplicate of {{ticket}}",
    confirm: "{{ticket}} will be closed as a duplicate of {{original}}; its reporter becomes a supporter of the original.", confirmButton: "Yes, mark duplicate",
    marked: "Marked as a duplicate of {{ticket}}.", isDuplicateOf: "This report duplicates", linked: "Linked duplicates", indirect: "indirect",
  },
  reply: {
    title: "Reply to the reporter", template: "Template", noTemplate: "No template", text: "Message to the reporter", send: "Send reply",
    hint: "Sent on the {{channel}} channel. {{count}}/{{max}} characters.", sent: "Reply sent.",
    noChannel: "The reporter cannot be reached: this report has no reply channel.",
    statusOnly: "Report from {{channel}}: this channel shows the status and public comments only, not messages. Write a public comment when you change the status.", forbidden: "You may not reply to this report.",
    status: { pending: "Pending", queued: "Queued", sending: "Sending", sent: "Sent", delivered: "Delivered", failed: "Failed", dead: "Failed for good", skipped: "Skipped" },
  },
  reasons: { duplicate_linked: "a duplicate was linked to this report" },
  to: "to",
  loading: "Loading…",
  error: "Error: {{message}}",
};

const saved = typeof localStorage !== "undefined" ? localStorage.getItem("aspirasi.lang") : null;

void i18next.use(initReactI18next).init({
  resources: { id: { translation: id }, en: { translation: en } },
  lng: saved === "en" ? "en" : "id",
  fallbackLng: "id",
  interpolation: { escapeValue: false },
});

i18next.on("languageChanged", (lng) => {
  document.documentElement.lang = lng;
  localStorage.setItem("aspirasi.lang", lng);
});
document.documentElement.lang = i18next.language;

export default i18next;

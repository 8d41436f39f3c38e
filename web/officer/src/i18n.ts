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
    overdueMark: "Lewat tenggat", days: "{{count}} hari", hours: "{{count}} jam", count: "{{count}} laporan", count_one: "{{count}} laporan", count_other: "{{count}} laporan",
  },
  states: { triage: "Verifikasi", waiting: "Menunggu", coordination: "Koordinasi", disposition: "Disposisi", in_progress: "Proses", awaiting_validation: "Menunggu Validasi", follow_up_rejected: "TL Ditolak", done: "Selesai", closed: "Ditutup" },
  colours: { red: "Merah", yellow: "Kuning", green: "Hijau", grey: "Abu-abu" },
  report: {
    back: "← Kotak masuk", description: "Uraian", map: "Peta", noLocation: "Tanpa titik lokasi.", mapLabel: "Peta lokasi laporan, titik {{lat}}, {{lon}}", mapFallback: "Peta tidak dapat dimuat. Titik: {{lat}}, {{lon}}",
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
  },
  triage: { automatic: "Diarahkan otomatis", yes: "Ya", no: "Tidak", place: "Tempat", outside: "Di luar wilayah", categories: "Kategori", kind: "Jenis", words: "Kata penentu", flags: "Tanda isi" },
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
    overdueMark: "Overdue", days: "{{count}} d", hours: "{{count}} h", count: "{{count}} reports", count_one: "{{count}} report", count_other: "{{count}} reports",
  },
  states: { triage: "Triage", waiting: "Waiting", coordination: "Coordination", disposition: "Disposition", in_progress: "In progress", awaiting_validation: "Awaiting validation", follow_up_rejected: "Follow-up rejected", done: "Done", closed: "Closed" },
  colours: { red: "Red", yellow: "Yellow", green: "Green", grey: "Grey" },
  report: {
    back: "← Inbox", description: "Description", map: "Map", noLocation: "No location point.", mapLabel: "Map of the report's location, point {{lat}}, {{lon}}", mapFallback: "The map could not load. Point: {{lat}}, {{lon}}",
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
  },
  triage: { automatic: "Routed automatically", yes: "Yes", no: "No", place: "Place", outside: "Outside the area", categories: "Categories", kind: "Kind", words: "Deciding words", flags: "Content flags" },
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

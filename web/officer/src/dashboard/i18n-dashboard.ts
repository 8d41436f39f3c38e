/** The dashboard screens' strings (Dasbor, Peringkat, Ringkasan), merged into the officer workspace's bundle. */
import i18n from "../i18n.ts";

const id = {
  nav: { dashboard: "Dasbor", rankings: "Peringkat", summary: "Ringkasan" },
  inbox: { csv: "Unduh CSV" },
  dash: {
    title: "Dasbor", unavailable: "Data ini belum tersedia.", loadError: "Data tidak dapat dimuat: {{message}}",
    scopeNote: "Angka mencakup laporan dalam wilayah dan unit Anda.", openList: "Buka daftar laporan: {{label}}, {{value}}",
    filters: "Saring", kota: "Kota/kabupaten (kode)", kecamatan: "Kecamatan (kode)", kelurahan: "Kelurahan (kode)",
    category: "Kategori", channel: "Kanal", from: "Dari tanggal", to: "Sampai tanggal", any: "Semua", apply: "Terapkan", reset: "Atur ulang",
    totals: "Laporan menurut warna", total: "Semua laporan",
    periodNote: "Rentang tanggal berlaku untuk kepatuhan SLA, tingkat, tren, unit dan peringkat. Warna, rincian merah dan umur laporan selalu menunjukkan keadaan sekarang.",
    redTitle: "Laporan merah: mana yang benar-benar terabaikan?",
    redIntro: "Merah berarti belum ada tindakan. Rinciannya membedakan laporan yang sungguh diabaikan dari yang sedang dikoordinasikan.",
    red: {
      waiting: "Menunggu (belum disentuh)", reopened: "Dibuka kembali setelah sanggahan", coordination: "Dalam koordinasi ke unit lain",
      disposition: "Dalam disposisi", triage: "Di meja triase",
    },
    ageing: "Umur laporan terbuka", bucket: "Umur", open: "Terbuka",
    buckets: { "0-2": "0–2 hari", "3-7": "3–7 hari", "8-14": "8–14 hari", "15-30": "15–30 hari", "31+": "Lebih dari 30 hari" },
    sla: "Kepatuhan SLA", onTime: "Tepat waktu", late: "Terlambat", compliance: "Kepatuhan", overdue: "Lewat tenggat sekarang",
    rates: "Kualitas penyelesaian", reopenRate: "Tingkat dibuka kembali", followUpRejection: "Tingkat tindak lanjut ditolak",
    channels: "Kanal masuk", categories: "Kategori", count: "Jumlah",
    trend: "Tren", interval: "Interval", day: "Harian", week: "Mingguan", month: "Bulanan", period: "Periode",
    trendTable: "Tabel data tren", trendChart: "Grafik tren: {{series}}",
    series: { created: "Masuk", done: "Selesai", closed: "Ditutup", reopened: "Dibuka kembali", followUpRejected: "Tindak lanjut ditolak", slaBreached: "Lewat SLA", resolved: "Selesai", red: "Merah", total: "Jumlah" },
    map: "Peta sebaran", level: "Tingkat wilayah", levels: { kota: "Kota", kecamatan: "Kecamatan", kelurahan: "Kelurahan" },
    mapLabel: "Peta wilayah berwarna menurut porsi laporan merah", legend: "Porsi laporan merah",
    noMap: "Peta tidak dapat ditampilkan di perangkat ini; gunakan tabel wilayah.", areaTable: "Tabel wilayah",
    area: "Wilayah", redShare: "Porsi merah", selectArea: "Pilih wilayah di peta atau di tabel untuk melihat angkanya.",
    areaList: "Daftar laporan di {{name}}", noData: "Tidak ada data",
  },
  rank: {
    title: "Peringkat", kelurahan: "Kelurahan", agency: "Dinas / instansi", tabs: "Jenis unit",
    rank: "Peringkat", unit: "Unit", volume: "Volume", onTime: "Selesai tepat waktu", medianHeld: "Median hari kerja dipegang",
    reopen: "Dibuka kembali", score: "Skor", method: "Cara penghitungan", minVolume: "Volume minimum: {{count}} laporan",
    unranked: "Belum diperingkat", unrankedReason: "Di bawah volume minimum ({{count}} laporan)", noneUnranked: "Semua unit diperingkat.", empty: "Belum ada unit untuk diperingkat.",
  },
  sum: {
    title: "Ringkasan", period: "Periode", week: "Mingguan", month: "Bulanan", date: "Tanggal acuan", show: "Tampilkan",
    pdf: "Unduh PDF", print: "Cetak", figures: "Angka utama", notes: "Catatan",
    created: "Laporan masuk", done: "Selesai", closed: "Ditutup", openRed: "Merah terbuka di akhir periode", openYellow: "Kuning terbuka di akhir periode",
    overdueUnits: "Unit dengan laporan lewat tenggat", uncategorised: "Belum berkategori", oldestOpen: "Laporan terbuka tertua",
  },
};

const en: typeof id = {
  nav: { dashboard: "Dashboard", rankings: "Rankings", summary: "Summary" },
  inbox: { csv: "Download CSV" },
  dash: {
    title: "Dashboard", unavailable: "This data is not available yet.", loadError: "The data could not load: {{message}}",
    scopeNote: "Figures cover the reports in your area and units.", openList: "Open the report list: {{label}}, {{value}}",
    filters: "Filter", kota: "City/regency (code)", kecamatan: "District (code)", kelurahan: "Kelurahan (code)",
    category: "Category", channel: "Channel", from: "From date", to: "To date", any: "All", apply: "Apply", reset: "Reset",
    totals: "Reports by colour", total: "All reports",
    periodNote: "The dates apply to SLA compliance, rates, trend, units and rankings. Colours, the red breakdown and ageing always show the state now.",
    redTitle: "Red reports: which are truly ignored?",
    redIntro: "Red means no action yet. The breakdown tells a truly ignored report from one being coordinated.",
    red: {
      waiting: "Waiting (untouched)", reopened: "Reopened after a dispute", coordination: "Being coordinated to another unit",
      disposition: "In disposition", triage: "At the triage desk",
    },
    ageing: "Age of open reports", bucket: "Age", open: "Open",
    buckets: { "0-2": "0–2 days", "3-7": "3–7 days", "8-14": "8–14 days", "15-30": "15–30 days", "31+": "More than 30 days" },
    sla: "SLA compliance", onTime: "On time", late: "Late", compliance: "Compliance", overdue: "Overdue now",
    rates: "Resolution quality", reopenRate: "Reopen rate", followUpRejection: "Follow-up rejection rate",
    channels: "Channels", categories: "Categories", count: "Count",
    trend: "Trend", interval: "Interval", day: "Daily", week: "Weekly", month: "Monthly", period: "Period",
    trendTable: "Trend data table", trendChart: "Trend chart: {{series}}",
    series: { created: "Received", done: "Done", closed: "Closed", reopened: "Reopened", followUpRejected: "Follow-up rejected", slaBreached: "Past SLA", resolved: "Resolved", red: "Red", total: "Count" },
    map: "Map", level: "Area level", levels: { kota: "City", kecamatan: "District", kelurahan: "Kelurahan" },
    mapLabel: "Map of areas coloured by share of red reports", legend: "Share of red reports",
    noMap: "The map cannot show on this device; use the area table.", areaTable: "Area table",
    area: "Area", redShare: "Red share", selectArea: "Pick an area on the map or in the table to see its figures.",
    areaList: "Reports in {{name}}", noData: "No data",
  },
  rank: {
    title: "Rankings", kelurahan: "Kelurahan", agency: "Agencies", tabs: "Unit kind",
    rank: "Rank", unit: "Unit", volume: "Volume", onTime: "Resolved on time", medianHeld: "Median working days held",
    reopen: "Reopened", score: "Score", method: "How it is computed", minVolume: "Minimum volume: {{count}} reports",
    unranked: "Not ranked", unrankedReason: "Below the minimum volume ({{count}} reports)", noneUnranked: "Every unit is ranked.", empty: "No units to rank yet.",
  },
  sum: {
    title: "Summary", period: "Period", week: "Weekly", month: "Monthly", date: "Reference date", show: "Show",
    pdf: "Download PDF", print: "Print", figures: "Key figures", notes: "Notes",
    created: "Reports received", done: "Done", closed: "Closed", openRed: "Red open at the end of the period", openYellow: "Yellow open at the end of the period",
    overdueUnits: "Units with overdue reports", uncategorised: "Uncategorised", oldestOpen: "Oldest open reports",
  },
};

i18n.addResourceBundle("id", "translation", id, true, true);
i18n.addResourceBundle("en", "translation", en, true, true);

/** Numbers in the reader's locale (id-ID by default: 1.234; 12,5%). */
export const num = (n: number | null | undefined, lang: string): string =>
  n === null || n === undefined || Number.isNaN(n) ? "—" : n.toLocaleString(lang === "en" ? "en-GB" : "id-ID");
export const rate = (n: number | null | undefined, lang: string): string =>
  n === null || n === undefined || Number.isNaN(n) ? "—" : (n > 1 ? n / 100 : n).toLocaleString(lang === "en" ? "en-GB" : "id-ID", { style: "percent", maximumFractionDigits: 1 });

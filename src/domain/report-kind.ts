/** The kinds of report, as in LAPOR!: complaint, suggestion, information request (only complaints need a place). */
export const REPORT_KINDS = ["pengaduan", "aspirasi", "permintaan_informasi"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

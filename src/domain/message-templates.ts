import type { CitizenTemplate } from "./report-lifecycle.ts";
import { CLOSE_REASON_LABEL, type CloseReason, type Language } from "./report.ts";

type Params = Record<string, string | number | null | undefined>;

const TEXT: Record<Language, Record<CitizenTemplate, (p: Params) => string>> = {
  id: {
    received: (p) => `Laporan Anda sudah kami terima dengan nomor ${p.ticket}. Pantau statusnya di ${p.url ?? "portal Balai Warga"}.`,
    taken_up: (p) => `Laporan ${p.ticket} sedang diproses oleh ${p.unit}.`,
    coordinated: (p) => `Laporan ${p.ticket} sedang dikoordinasikan ke ${p.unit}, instansi yang berwenang.`,
    done: (p) => `Laporan ${p.ticket} telah selesai ditindaklanjuti.${p.summary ? ` ${p.summary}` : ""} Jika belum sesuai, Anda dapat mengajukan sanggahan dalam 7 hari.`,
    closed: (p) => `Laporan ${p.ticket} ditutup: ${closeText("id", p)}.`,
    dispute_accepted: (p) => `Sanggahan Anda atas laporan ${p.ticket} diterima; laporan dibuka kembali dan dikembalikan ke unit yang menindaklanjuti.`,
    reopened: (p) => `Laporan ${p.ticket} dibuka kembali untuk ditindaklanjuti ulang.`,
    status_reply: (p) => `Status laporan ${p.ticket}: ${p.label}.${p.comment ? ` ${p.comment}` : ""}`,
    unknown_ticket: (p) => `Nomor laporan ${p.ticket} tidak ditemukan. Periksa kembali nomor laporan Anda.`,
  },
  en: {
    received: (p) => `We received your report, number ${p.ticket}. Follow its status at ${p.url ?? "the Balai Warga portal"}.`,
    taken_up: (p) => `Report ${p.ticket} is being handled by ${p.unit}.`,
    coordinated: (p) => `Report ${p.ticket} has been coordinated to ${p.unit}, the responsible agency.`,
    done: (p) => `Report ${p.ticket} has been resolved.${p.summary ? ` ${p.summary}` : ""} If it is not fixed, you may dispute within 7 days.`,
    closed: (p) => `Report ${p.ticket} was closed: ${closeText("en", p)}.`,
    dispute_accepted: (p) => `Your dispute of report ${p.ticket} was accepted; the report is reopened and back with the unit that handled it.`,
    reopened: (p) => `Report ${p.ticket} was reopened for further follow-up.`,
    status_reply: (p) => `Status of report ${p.ticket}: ${p.label}.${p.comment ? ` ${p.comment}` : ""}`,
    unknown_ticket: (p) => `Report number ${p.ticket} was not found. Please check the number.`,
  },
};

function closeText(lang: Language, p: Params): string {
  const reason = p.reason as CloseReason | undefined;
  const label = reason ? CLOSE_REASON_LABEL[lang][reason] : "";
  if (reason === "duplicate" && p.duplicateOf) return `${label} (${p.duplicateOf})`;
  if (reason === "outside_jurisdiction" && p.responsibleParty)
    return `${label}; ${lang === "id" ? "yang berwenang" : "responsible"}: ${p.responsibleParty}`;
  return label;
}

/** The text a citizen receives for a lifecycle moment, in their language (Indonesian by default). */
export function renderCitizenMessage(template: CitizenTemplate, params: Params, language: Language = "id"): string {
  return TEXT[language][template](params);
}

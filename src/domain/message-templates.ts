import type { CitizenTemplate } from "./report-lifecycle.ts";
import { CLOSE_REASON_LABEL, type CloseReason, type Language } from "./report.ts";

type Params = Record<string, string | number | null | undefined>;

/** Lifecycle messages, and an officer's own reply (its text is a parameter). */
export type MessageTemplate = CitizenTemplate | "officer_reply";

const TEXT: Record<Language, Record<MessageTemplate, (p: Params) => string>> = {
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
    officer_reply: replyText,
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
    officer_reply: replyText,
  },
};

/** An officer's reply names its ticket once, so the citizen knows which report it answers. */
function replyText(p: Params): string {
  const text = String(p.text ?? "");
  return p.ticket && !text.includes(String(p.ticket)) ? `[${p.ticket}] ${text}` : text;
}

function closeText(lang: Language, p: Params): string {
  const reason = p.reason as CloseReason | undefined;
  const label = reason ? CLOSE_REASON_LABEL[lang][reason] : "";
  if (reason === "duplicate" && p.duplicateOf) return `${label} (${p.duplicateOf})`;
  if (reason === "outside_jurisdiction" && p.responsibleParty)
    return `${label}; ${lang === "id" ? "yang berwenang" : "responsible"}: ${p.responsibleParty}`;
  return label;
}

/** The text a citizen receives for a lifecycle moment, in their language (Indonesian by default). */
export function renderCitizenMessage(template: MessageTemplate, params: Params, language: Language = "id"): string {
  const render = TEXT[language][template];
  if (!render) throw new Error(`no message template ${template}`);
  return render(params);
}

/** A reply an officer can start from: a title for the picker and a text with {placeholders}. */
export interface ReplyTemplate {
  id: string;
  title: Record<Language, string>;
  text: Record<Language, string>;
}

/** The replies every deployment has unless its deployment.json lists its own (`replyTemplates`). */
export const DEFAULT_REPLY_TEMPLATES: readonly ReplyTemplate[] = [
  {
    id: "in_progress",
    title: { id: "Sedang ditindaklanjuti", en: "Being handled" },
    text: {
      id: "Terima kasih, laporan {ticket} sedang kami tindak lanjuti oleh {unit}.",
      en: "Thank you, report {ticket} is being handled by {unit}.",
    },
  },
  {
    id: "need_photo_location",
    title: { id: "Minta foto/lokasi", en: "Ask for photo/location" },
    text: {
      id: "Mohon kirim foto dan lokasi yang lebih jelas (alamat lengkap atau titik peta) untuk laporan {ticket} agar dapat kami tindak lanjuti.",
      en: "Please send a clearer photo and location (full address or a map pin) for report {ticket} so that we can act on it.",
    },
  },
  {
    id: "outside_jurisdiction",
    title: { id: "Di luar kewenangan", en: "Outside our authority" },
    text: {
      id: "Laporan {ticket} di luar kewenangan kami; silakan hubungi instansi yang berwenang.",
      en: "Report {ticket} is outside our authority; please contact the responsible body.",
    },
  },
  {
    id: "scheduled",
    title: { id: "Sudah dijadwalkan", en: "Scheduled" },
    text: {
      id: "Laporan {ticket} sudah kami jadwalkan untuk ditangani oleh {unit}. Terima kasih atas kesabaran Anda.",
      en: "Report {ticket} has been scheduled for {unit} to handle. Thank you for your patience.",
    },
  },
  {
    id: "done_confirm",
    title: { id: "Konfirmasi selesai", en: "Confirm the fix" },
    text: {
      id: "Laporan {ticket} sudah ditindaklanjuti oleh {unit}. Jika masalah masih ada, balas pesan ini atau ajukan sanggahan di portal Balai Warga.",
      en: "Report {ticket} has been followed up by {unit}. If the problem remains, reply to this message or dispute it on the Balai Warga portal.",
    },
  },
];

/** A reply template with its placeholders ({ticket}, {unit}, {category}, {kelurahan}) filled in; unknown ones stay. */
export function renderReplyTemplate(template: ReplyTemplate, params: Record<string, string>, language: Language) {
  const text = (template.text[language] ?? template.text.id).replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);
  return { id: template.id, title: template.title[language] ?? template.title.id, text };
}

/** Mails to a report's e-mail subscribers (Balai Warga): the double opt-in confirmation and each public change. */
export type SubscriberTemplate = "subscription_confirm" | "subscription_update";

export interface SubscriberMail {
  subject: string;
  text: string;
  /** List-Unsubscribe (RFC 2369) and one-click unsubscribe (RFC 8058) for update mails */
  headers: Record<string, string>;
}

/**
 * A subscriber's mail, in their language. Links are built from the base URL at sending time: the portal's
 * subscription page (/langganan/{token}: confirm, unsubscribe), the report's public page, and the one-click
 * unsubscribe endpoint. Only public facts go in: the ticket, the public label and the public comment.
 */
export function renderSubscriberMail(template: SubscriberTemplate, params: Params, language: Language, baseUrl: string): SubscriberMail {
  const base = baseUrl.replace(/\/+$/, "");
  const ticket = String(params.ticket ?? "");
  const token = encodeURIComponent(String(params.token ?? ""));
  const manage = `${base}/langganan/${token}`;
  const track = `${base}/laporan/${encodeURIComponent(ticket)}`;
  const en = language === "en";
  if (template === "subscription_confirm") {
    return {
      subject: en ? `Confirm your subscription to report ${ticket}` : `Konfirmasi langganan laporan ${ticket}`,
      text: en
        ? `You (or someone using this address) asked for updates on report ${ticket} on the Balai Warga portal.\n\nConfirm the subscription: ${manage}\n\nIf you did not ask for it, ignore this e-mail: you will receive nothing more.`
        : `Anda (atau seseorang dengan alamat ini) meminta kabar terbaru laporan ${ticket} di portal Balai Warga.\n\nKonfirmasi langganan: ${manage}\n\nJika Anda tidak memintanya, abaikan e-mail ini: Anda tidak akan menerima e-mail lagi.`,
      headers: {},
    };
  }
  const comment = params.comment ? String(params.comment) : null;
  const lines = en
    ? [`Status of report ${ticket}: ${params.label}.`, comment ? `Note: ${comment}` : null, "", `View the report: ${track}`, "",
       `You receive this e-mail because you subscribed to this report. Unsubscribe: ${manage}`]
    : [`Status laporan ${ticket}: ${params.label}.`, comment ? `Keterangan: ${comment}` : null, "", `Lihat laporan: ${track}`, "",
       `Anda menerima e-mail ini karena berlangganan kabar laporan ini. Berhenti berlangganan: ${manage}`];
  return {
    subject: en ? `Update on report ${ticket}: ${params.label}` : `Kabar laporan ${ticket}: ${params.label}`,
    text: lines.filter((l) => l !== null).join("\n"),
    headers: {
      "List-Unsubscribe": `<${base}/api/v1/public/subscriptions/${token}/unsubscribe>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}

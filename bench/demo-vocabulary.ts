/** Complaint texts for generated reports (the inbox benchmark and `npm run seed:demo`). */

/** Per category: complaints with a {place}; the words the q filter is measured with come from here. */
export const VOCABULARY: Record<string, string[]> = {
  jalan_rusak: ["jalan berlubang besar di {place}", "aspal rusak dan bergelombang di {place}"],
  trotoar_rusak: ["trotoar rusak dan amblas di {place}"],
  lampu_jalan: ["lampu jalan mati sudah seminggu di {place}", "penerangan jalan padam di {place}"],
  saluran_banjir: ["saluran air mampet sehingga banjir di {place}", "genangan banjir setiap hujan di {place}"],
  sampah: ["tumpukan sampah tidak diangkut di {place}", "sampah menumpuk dan bau di {place}"],
  pencemaran: ["asap pabrik mencemari udara di {place}"],
  pohon: ["pohon tumbang menutup jalan di {place}", "dahan pohon rawan patah di {place}"],
  taman: ["taman kotor dan tidak terawat di {place}"],
  parkir_liar: ["parkir liar memakan badan jalan di {place}"],
  rambu_lalu_lintas: ["rambu lalu lintas roboh di {place}"],
  transportasi_umum: ["halte bus rusak di {place}"],
  pkl: ["pedagang kaki lima berjualan di trotoar {place}"],
  ketertiban_umum: ["pengamen dan pak ogah mengganggu di {place}"],
  bangunan: ["bangunan liar tanpa izin di {place}"],
  kebakaran: ["hidran kebakaran rusak di {place}"],
  kesehatan: ["puskesmas menolak pasien di {place}"],
  pendidikan: ["sekolah memungut biaya tambahan di {place}"],
  adminduk: ["pengurusan KTP lambat di kelurahan {place}"],
  sosial: ["warga terlantar membutuhkan bantuan sosial di {place}"],
  air_bersih: ["air PAM tidak mengalir di {place}"],
  listrik: ["kabel listrik menjuntai di {place}"],
  fasilitas_kelurahan: ["toilet umum kelurahan rusak di {place}"],
  lainnya: ["mohon perhatian petugas untuk masalah di {place}"],
};

/** Places the texts name. */
export const PLACES = ["Jl. Kebon Jeruk Raya", "Jl. Daan Mogot", "Jl. Gunung Sahari", "Jl. Pramuka", "Jl. Tebet Raya", "Gang Melati",
  "Jl. Cempaka Putih", "Jl. Ciledug Raya", "Jl. Bekasi Raya", "Jl. Pluit Karang", "Jl. Raya Bogor", "Jl. Kemang Raya",
  "dekat pasar", "depan sekolah", "samping masjid", "RT 05 RW 03", "dekat stasiun", "Jl. Matraman"];

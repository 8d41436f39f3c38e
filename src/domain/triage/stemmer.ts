/**
 * An Indonesian stemmer in the Nazief–Adriani tradition with the ECS refinements (Arifin & Setiono;
 * Asian et al.): inflectional particles (-lah -kah -tah -pun), possessives (-ku -mu -nya), derivational
 * suffixes (-kan -an -i), then up to three prefixes (di- ke- se- me(N)- pe(N)- be(r)- te(r)-) with the
 * recoding rules for the nasal prefixes (menulis -> tulis, menyapu -> sapu, memukul -> pukul,
 * mengangkut -> angkut, pengendara -> kendara) and the forbidden confixes (be-i, di-an, ke-i, ke-kan,
 * me-an, se-i, se-kan, te-an).
 *
 * Every candidate decomposition is checked against ROOT_WORDS, a root list written for this project
 * (common Indonesian plus the vocabulary of city complaints); the first root found wins, most-stripped
 * suffix first, and the ECS "restore the suffix" loop is the enumeration of the less-stripped variants.
 *
 * When no candidate is a known root the stemmer still strips, so that unknown words are at least stemmed
 * consistently (ditambal, menambal, tambalan -> tambal): particles and possessives, a derivational suffix
 * when four letters remain, and the prefixes di- me(N)- pe(N)- be(r)- te(r)- (never se-, and ke- only in
 * the confix ke-...-an: both begin too many roots) taking the most frequent recoding (p, t, vowel, s).
 *
 * Known limits:
 *   - roots missing from ROOT_WORDS can be cut wrongly (a root that merely looks affixed, such as a
 *     place name "Kemayoran" or a loanword, is stripped when it is not in the list);
 *   - the nasal recoding of an unknown word is a guess (memakan -> "pakan" when "makan" is not listed);
 *   - reduplication is left to normalize.ts; infixes (-el- -em- -er-: gemetar, gerigi) are not removed;
 *   - words that are both a root and an affixed form keep the root reading ("bulan", "tahan", "kali",
 *     "beruang" stays "beruang", the animal); nothing here knows the context.
 */

const ROOTS = `
  ada adu aduh agak air ajar ajak akar akhir aku alam alamat alih alir alat aman ambil ambles amblas ambruk
  ambulans amen anak ancam ancur angin angka angkat angkot angkut anjing antar antre antri apar api apotek
  arah arus asal asap aspal atap atas atur awas ayam ayun
  badan bagi bagus bahan bahaya baik bakar balai balap balas baliho banding bangku bangun banjir bantal
  bantar bantaran bantu banyak bapak barang baru basah batang batas batu bau bawa bawah bayar bayi beban
  bebas becak beda bekal bekas belah belakang beli belok belum benah benar bengkel bengkok bensin beras
  berat beres berisik berita beringin bersih besar besi betul biasa biaya bijak bikin bina bising bisa
  bocor bolong bongkar boros buang buat bubar bui buka bukti bulan bulu bumi buntu buruk busa busuk buta
  cabut cacat cahaya cair camat campur canggih cari catat cat cegah cek cepat cerobong cetak cinta cium
  cocok cor coret cuci cukup curam curi
  dagang dahan daftar dalam damkar dampak dana darah darat darurat data datang daya debu dekat denda
  dengar dengung deras derek desak dinding dingin dinas diam diri dokter dorong duduk dukung dulu duri
  edar efek ekor elak emis entah
  fasilitas fogging fungsi
  gagal galak gali ganggu ganti gantung gardu garis gedung gelap gelandang gempa genang gerak gerobak
  gesek gigit gorong got guna gulung guru gusur
  hadap hadir hajat halaman halte hambat hancur hangat hantam harap harga hari hasil hati hebat hemat
  hidup hidran hijau hilang hitam hormat hubung hujan hukum hulu hutan
  ikan ikut ilegal imbau indah info informasi ingat injak inspeksi isi istirahat izin
  jadi jadwal jaga jagal jaket jalan jalur jamin jangkau jarak jaring jasa jatuh jauh jaya jebol jemput
  jembatan jentik jiwa jorok juang jual jumpa
  kabar kabel kaca kacau kaki kali kamar kampung kanan kantor kapal karat karang kasar kasih kawasan
  kayu kebun kecil keluarga kelas keluh kemis kendara kenal kendali kepala keramik kerikil kering keras
  kereta kerja kertas keruh ketua khawatir kira kirim kisah kiri kitar kolam kolong kompor kondisi
  korban korslet korsleting kosong kota kotor kuasa kuning kunci kurang kursi
  laku lalu lama lambat lampu lancar langgar langkah langsung lantai lapang lapak lapor lapuk larang
  lari laut layan lebar lekat lemah lengkap lepas lewat lihat limbah lindung lingkung lintas listrik
  lokasi longsor luap luar lubang lumpur lupa lurah lurus luka
  mabuk macet mahal main makan maki malam malas maling mampet mampu mana mandi mangkal manusia marka
  masak masalah masjid masuk mata mati medan media median meja merah mesin meter minggu minta minum
  miring miskin mobil mogok motor muda mudah muka mulai mulut murah murid musim
  naik nakal nama nanti napas nasi negeri nelayan nikah nilai nyala nyaman nyamuk nyawa
  obat olah ombak ongkos operasi orang
  pabrik padam padat pagar pahit pajak pakai paksa paku palang pangkas panas pancing pandang panggil
  panjang pantau pantai papan parah parit parkir pasang pasar pasien pasir patah patok patroli pecah
  pedestrian pegang pejabat pekat pelan peluk penuh perahu perempat peringat perintah perlu permanen
  pesan pesing petasan peta pikir pilih pindah pinggir pinjam pintu pipa plastik pohon pokok polisi
  polusi pompa posisi potong preman proses proyek puas pukul pulang pulih puncak pungut punya pupuk
  pusat putar putus
  rabun racun ragu rakyat ramai rambu rampas rangka rapat rapi ratus rawan rawat rayap razia rebut
  reklame rekam remaja rendah rendam resah resap retak ribut rindang ringan risau roboh rokok roda
  rumah rumput runtuh rusak
  sabar sakit salah saluran sama sambung sampah sampai sana sangkut santun sapu saran sarang satu sawah
  sayur sebab seberang segel segera sehat sekat sekitar sekolah selamat selatan selokan semak semen
  sembarang sementara semprot sempit sendiri sengat senin sepeda sepi serah serang serobot sesak setan
  setor sewa siaga sial sikat simpan simpang singgah sinyal siram sisa sisi situ sopir sorot suara
  sumbat sumber sumur sungai surat surut susah susun susu swasta
  tabrak tadi tagih tahan tahun takut tali taman tambah tambal tampung tanah tanam tanda tangan tangga
  tangkap tani tanya tarif tarik taruh tata tawur teduh tegur tekan telat telepon teman tembok tempat
  tempel tenda tengah tepi terang teras terbang terima terminal ternak tertib terus tiang tiba tidur
  tikung tikus timbun timbang tindak tinggal tinggi tipu tiup tolak tolong tonggak trotoar tua tuju
  tukang tulis tumbang tumbuh tumpah tumpang tumpuk tunggu turun tutup
  uang udara ugal ulang ular umum undang untung urus usaha usir usul utama
  wabah waktu warga warna warung wilayah
  zebra zona
  abu aktif akta alarm arti asong awal baik bangkai batuk beri  biar bilang blokir buku cemar condong
  cuat dangkal darat demam didik doyong edar gelombang genteng guyur hapus hasut henti ingin jambret judi juntai
  kebut kecewa kumpul keruk kemudian kepung keropos kirim kuat lahir lantar lalat lansia lapis liar licin lumut luber
  minyak muntah nanti pasung penduduk percik periksa pilah plafon rampok ranting rasa rem rubuh sesat
  sedia selesai sampai senggol siswa tanggap tanggul tebang tegang tongkrong tugas ubah ubin ulat
  
  `;

export const ROOT_WORDS: ReadonlySet<string> = new Set(ROOTS.split(/\s+/).filter(Boolean));

const VOWEL = /^[aiueo]/;
const isVowel = (c: string | undefined) => c !== undefined && VOWEL.test(c);

/** Confixes Nazief–Adriani forbid: a prefix with a suffix that never co-occur. */
const FORBIDDEN: ReadonlyArray<[string, string]> = [
  ["be", "i"], ["di", "an"], ["ke", "i"], ["ke", "kan"], ["me", "an"], ["se", "i"], ["se", "kan"], ["te", "an"],
];

interface Variant {
  word: string;
  /** the derivational suffix removed, "" if none */
  suffix: string;
}

const MIN_ROOT = 3;

/** Suffix variants, most stripped first: particle, possessive, then -kan / -an / -i. */
function suffixVariants(word: string): Variant[] {
  const out: Variant[] = [];
  const bases: string[] = [];
  let w = word;
  const particle = /(lah|kah|tah|pun)$/.exec(w);
  if (particle && w.length - particle[0].length >= MIN_ROOT + 1) w = w.slice(0, -particle[0].length);
  const possessive = /(nya|ku|mu)$/.exec(w);
  const withoutPossessive =
    possessive && w.length - possessive[0].length >= MIN_ROOT ? w.slice(0, -possessive[0].length) : w;
  bases.push(withoutPossessive);
  if (withoutPossessive !== w) bases.push(w);
  if (w !== word) bases.push(word);
  for (const base of bases) {
    for (const suffix of ["kan", "an", "i"]) {
      if (base.endsWith(suffix) && base.length - suffix.length >= MIN_ROOT) {
        out.push({ word: base.slice(0, -suffix.length), suffix });
      }
    }
    out.push({ word: base, suffix: "" });
  }
  return out;
}

interface PrefixCut {
  /** the prefix family ("di", "ke", "se", "me", "pe", "be", "te") */
  prefix: string;
  /** candidate remainders, most frequent reading first */
  rests: string[];
}

/**
 * meng-/peng- before a vowel: a vowel root (mengangkut -> angkut) or a k- root (mengirim -> kirim); before
 * "e" in a short word, the ECS monosyllable rule (mengecat -> cat, pengebom -> bom).
 */
function nasalVowel(w: string): string[] {
  const rest = w.slice(4);
  return rest.startsWith("e") && w.length <= 8 ? [rest, "k" + rest, rest.slice(1)] : [rest, "k" + rest];
}

/** The prefix at the start of `w` and the remainders its recoding rules allow. */
function prefixCut(w: string): PrefixCut | null {
  const c = (i: number) => w[i];
  if (w.startsWith("di")) return { prefix: "di", rests: [w.slice(2)] };
  if (w.startsWith("ke")) return { prefix: "ke", rests: [w.slice(2)] };
  if (w.startsWith("se")) return { prefix: "se", rests: [w.slice(2)] };
  if (w.startsWith("me")) {
    if (/^me[lrwy][aiueo]/.test(w)) return { prefix: "me", rests: [w.slice(2)] };
    if (/^mem[bfv]/.test(w)) return { prefix: "me", rests: [w.slice(3)] };
    if (w.startsWith("mempe")) return { prefix: "me", rests: [w.slice(3)] };
    if (/^mem(r?[aiueo])/.test(w)) return { prefix: "me", rests: ["p" + w.slice(3), "m" + w.slice(3)] };
    if (/^men[cdjsz]/.test(w)) return { prefix: "me", rests: [w.slice(3)] };
    if (w.startsWith("meny") && isVowel(c(4))) return { prefix: "me", rests: ["s" + w.slice(4), "ny" + w.slice(4)] };
    if (/^meng[ghqk]/.test(w)) return { prefix: "me", rests: [w.slice(4)] };
    if (w.startsWith("meng") && isVowel(c(4))) return { prefix: "me", rests: nasalVowel(w) };
    if (w.startsWith("men") && isVowel(c(3))) return { prefix: "me", rests: ["t" + w.slice(3), "n" + w.slice(3)] };
    if (/^memp[aiuo]/.test(w)) return { prefix: "me", rests: [w.slice(3)] };
    return null;
  }
  if (w.startsWith("pe")) {
    if (/^pe[wy][aiueo]/.test(w)) return { prefix: "pe", rests: [w.slice(2)] };
    if (w === "pelajar" || w.startsWith("pelajar")) return { prefix: "pe", rests: [w.slice(3)] };
    if (w.startsWith("per")) {
      if (isVowel(c(3))) return { prefix: "pe", rests: [w.slice(3), w.slice(2)] };
      return { prefix: "pe", rests: [w.slice(3)] };
    }
    if (/^pem[bfv]/.test(w)) return { prefix: "pe", rests: [w.slice(3)] };
    if (/^pem(r?[aiueo])/.test(w)) return { prefix: "pe", rests: ["p" + w.slice(3), "m" + w.slice(3)] };
    if (/^pen[cdjz]/.test(w)) return { prefix: "pe", rests: [w.slice(3)] };
    if (w.startsWith("peny") && isVowel(c(4))) return { prefix: "pe", rests: ["s" + w.slice(4), "ny" + w.slice(4)] };
    if (/^peng[ghqk]/.test(w)) return { prefix: "pe", rests: [w.slice(4)] };
    if (w.startsWith("peng") && isVowel(c(4))) return { prefix: "pe", rests: nasalVowel(w) };
    if (w.startsWith("pen") && isVowel(c(3))) return { prefix: "pe", rests: ["t" + w.slice(3), "n" + w.slice(3)] };
    if (/^pel[aiueo]/.test(w)) return { prefix: "pe", rests: [w.slice(2)] };
    if (/^pe[^aiueorwylmn]/.test(w)) return { prefix: "pe", rests: [w.slice(2)] };
    return null;
  }
  if (w.startsWith("be")) {
    if (w.startsWith("belajar")) return { prefix: "be", rests: [w.slice(3)] };
    if (w.startsWith("ber")) {
      if (isVowel(c(3))) return { prefix: "be", rests: [w.slice(3), w.slice(2)] };
      if (c(3) !== "r") return { prefix: "be", rests: [w.slice(3)] };
      return null;
    }
    if (/^be[^aiueorl]er/.test(w)) return { prefix: "be", rests: [w.slice(2)] };
    return null;
  }
  if (w.startsWith("te")) {
    if (w.startsWith("ter")) {
      if (isVowel(c(3))) return { prefix: "te", rests: [w.slice(3), w.slice(2)] };
      if (c(3) !== "r") return { prefix: "te", rests: [w.slice(3)] };
      return null;
    }
    if (/^te[^aiueor]er/.test(w)) return { prefix: "te", rests: [w.slice(2)] };
    return null;
  }
  return null;
}

const forbidden = (prefix: string, suffix: string) => FORBIDDEN.some(([p, s]) => p === prefix && s === suffix);

/** Depth-first over prefix removals (at most three, no prefix twice); the first known root found. */
function findRoot(w: string, suffix: string, used: string[]): string | null {
  if (ROOT_WORDS.has(w)) return w;
  if (used.length >= 3) return null;
  const cut = prefixCut(w);
  if (!cut || used.includes(cut.prefix)) return null;
  if (used.length === 0 && suffix && forbidden(cut.prefix, suffix)) return null;
  for (const rest of cut.rests) {
    if (rest.length < MIN_ROOT) continue;
    const found = findRoot(rest, suffix, [...used, cut.prefix]);
    if (found) return found;
  }
  return null;
}

/** No known root: strip consistently with the most frequent readings (see the file header). */
function fallback(word: string): string {
  const variants = suffixVariants(word);
  // the most stripped variant whose suffix leaves four letters, else the possessive/particle-free base
  // (never -i after "s": loanwords such as "evakuasi", "relokasi" end that way)
  // and -kan only after a verb prefix (dimasukkan, menggunakan); without one, -an (colekan -> colek)
  const verbal = /^(me|di)/.test(word);
  const v =
    variants.find(
      (x) =>
        x.suffix === "" ||
        (x.word.length >= 4 && !(x.suffix === "i" && x.word.endsWith("s")) && !(x.suffix === "kan" && !verbal)),
    ) ?? { word, suffix: "" };
  let w = v.word;
  const used: string[] = [];
  for (let i = 0; i < 3; i++) {
    const cut = prefixCut(w);
    // se- and ke- begin too many roots; ke- goes only as the confix ke-...-an (kesulitan -> sulit)
    const confix = cut?.prefix === "ke" && v.suffix === "an" && used.length === 0;
    if (!cut || cut.prefix === "se" || (cut.prefix === "ke" && !confix) || used.includes(cut.prefix)) break;
    if (used.length === 0 && v.suffix && forbidden(cut.prefix, v.suffix)) break;
    const rest = cut.rests[0]!;
    if (rest.length < MIN_ROOT) break;
    used.push(cut.prefix);
    w = rest;
  }
  return w;
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/** The root of one lowercase word (letters only; anything else is returned unchanged). */
export function stem(word: string): string {
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  const result = computeStem(word);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, result);
  return result;
}

function computeStem(word: string): string {
  if (word.length <= MIN_ROOT || !/^[a-z]+$/.test(word) || ROOT_WORDS.has(word)) return word;
  for (const v of suffixVariants(word)) {
    const found = findRoot(v.word, v.suffix, []);
    if (found) return found;
  }
  return fallback(word);
}

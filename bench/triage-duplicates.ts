/**
 * The duplicate-candidate benchmark (issue #4): `npx tsx bench/triage-duplicates.ts`.
 *
 *   1. its own database (aspirasi_bench_dup, kept between runs: seeding takes minutes) migrated like the
 *      product, with 1,000,000 reports made by one INSERT ... SELECT from generate_series: points over
 *      Jakarta (70% around 40 busy places, 30% anywhere; 4% without a point), 23 categories with a skewed
 *      spread, descriptions from a vocabulary of Jakarta complaints (so trigram statistics look real),
 *      created over two years, mostly done or closed when old (10% of old reports left open);
 *   2. the candidate lookup (src/store/duplicates.store.ts findDuplicateCandidates, as the portal calls it:
 *      a random point from the same spread, a complaint text, a category 70% of the time), measured on one
 *      connection in turn and on 8 concurrent connections, next to two references measured in the same run:
 *      the same lookup without a text (no similarity computed) and a bare primary-key read of one report; and,
 *      for information, the lookup without a point (a kelurahan instead);
 *   3. a markdown section written into BENCHMARKS.md between <!-- bench:duplicates --> markers.
 *
 * Environment: BENCH_DATABASE_URL (server URL, as bench/run.ts), BENCH_DUP_REPORTS (1000000),
 * BENCH_DUP_QUERIES (2000 per run), BENCH_DUP_RESEED=1 (drop and seed again), BENCH_QUIET_SECONDS (60: how long to
 * wait for a quiet machine before each series), BENCH_NO_WRITE=1 (do not touch BENCHMARKS.md), BENCH_STRICT=1 (exit 1
 * when the target is missed on one or on 8 connections).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { prepareDatabase } from "../src/boot.ts";
import { openDatabase, type Queryable } from "../src/store/db.ts";
import { findDuplicateCandidates, type CandidateProbe } from "../src/store/duplicates.store.ts";
import { defaultDeploymentDir } from "../src/store/reference-seed.ts";
import { ROOT, SERVER_URL, databaseUrl, describeMachine, fmt, isMain, positive, waitForQuiet, writeSection } from "./run.ts";
import { mulberry32 } from "../src/domain/random.ts";

const env = process.env;
const DB_NAME = "aspirasi_bench_dup";
const REPORTS = Math.floor(positive(env.BENCH_DUP_REPORTS, 1_000_000));
const QUERIES = Math.floor(positive(env.BENCH_DUP_QUERIES, 2_000));
const CONCURRENCY = 8;
const WARMUP_QUERIES = 300;
const TARGET_P99_MS = 20;
const SECTION_START = "<!-- bench:duplicates -->";
const SECTION_END = "<!-- /bench:duplicates -->";

// ---------------------------------------------------------------------------------------------
// The vocabulary: four complaints per category, a place, sometimes a closing phrase.

const TEMPLATES: Record<string, string[]> = {
  jalan_rusak: [
    "Jalan berlubang cukup dalam di {place}, membahayakan pengendara motor terutama saat hujan.",
    "Aspal di {place} mengelupas dan bergelombang, banyak kendaraan mengerem mendadak.",
    "ada lubang gede di {place}, motor sering oleng, tolong ditambal",
    "Jalan amblas di {place} setelah galian kabel, belum ditutup kembali.",
  ],
  trotoar_rusak: [
    "Trotoar di {place} rusak, ubin pecah dan guiding block hilang.",
    "Trotoar {place} amblas dan berlubang, berbahaya bagi pejalan kaki.",
    "keramik trotoar di {place} copot2, pejalan kaki susah lewat",
    "Trotoar di {place} retak dan penutup saluran terbuka.",
  ],
  lampu_jalan: [
    "Lampu penerangan jalan di {place} mati, malam hari gelap sekali.",
    "PJU di {place} padam beberapa tiang, rawan kejahatan.",
    "lampu jalan {place} mati udah seminggu, gelap banget",
    "Lampu jalan di {place} berkedip dan sering mati sendiri.",
  ],
  saluran_banjir: [
    "Got di {place} tersumbat sampah dan lumpur, setiap hujan air meluap ke jalan.",
    "Genangan air setinggi lutut di {place} setiap hujan deras.",
    "selokan {place} mampet, hujan dikit langsung banjir",
    "Saluran air di {place} tertutup beton proyek, air tidak mengalir.",
  ],
  sampah: [
    "Sampah menumpuk di pinggir {place} sejak tiga hari, baunya menyengat.",
    "Truk sampah tidak datang ke {place} sudah seminggu, warga membuang sampah di lahan kosong.",
    "TPS di {place} meluber sampai badan jalan, banyak lalat dan tikus.",
    "ada pembuangan sampah liar di {place}, tiap malam orang buang kasur bekas",
  ],
  pencemaran: [
    "Air kali di {place} hitam dan berbusa, diduga limbah pabrik.",
    "Asap hitam dari cerobong pabrik di {place} setiap pagi.",
    "bau busuk limbah di {place}, warga sesak napas",
    "Debu dari truk tanah di {place} sangat tebal.",
  ],
  pohon: [
    "Pohon tumbang menutup setengah badan jalan di {place}.",
    "Dahan pohon di {place} menjuntai ke kabel listrik, perlu dipangkas.",
    "pohon gede di {place} miring, takut roboh kena angin",
    "Ranting kering pohon peneduh di {place} sering jatuh ke jalan.",
  ],
  taman: [
    "Ayunan di RPTRA dekat {place} patah dan perosotan berkarat.",
    "Taman di {place} tidak terawat, rumput liar tinggi.",
    "bangku taman {place} rusak semua",
    "Lampu taman di {place} mati dan toiletnya kotor.",
  ],
  parkir_liar: [
    "Parkir liar di sepanjang {place}, mobil parkir dua lapis sampai macet.",
    "Juru parkir liar di {place} menarik tarif tinggi.",
    "motor parkir di trotoar {place}, pejalan kaki turun ke jalan",
    "Ojek online ngetem di {place} menutup satu lajur jalan.",
  ],
  rambu_lalu_lintas: [
    "Lampu lalu lintas di {place} mati sejak pagi, kendaraan saling serobot.",
    "Rambu di {place} roboh tertabrak dan dibiarkan tergeletak.",
    "marka zebra cross di {place} udah pudar",
    "Traffic light di {place} berkedip kuning terus.",
  ],
  transportasi_umum: [
    "Halte Transjakarta di {place} atapnya bocor.",
    "Angkot ngetem sembarangan di {place} bikin macet.",
    "bus di {place} datangnya lama banget, penumpang numpuk",
    "Pintu halte di {place} rusak dan kacanya pecah.",
  ],
  pkl: [
    "Pedagang kaki lima memenuhi trotoar {place}, pejalan kaki terpaksa turun ke jalan.",
    "Lapak PKL di {place} sampai ke badan jalan.",
    "pkl di {place} jualan di trotoar lagi padahal udah ditertibkan",
    "Gerobak pedagang di {place} menutup saluran air.",
  ],
  ketertiban_umum: [
    "Balap liar setiap malam Minggu di {place}, knalpot sangat bising.",
    "Tawuran warga sering terjadi di {place} dini hari.",
    "musik keras dari kafe di {place} sampai jam 3 pagi",
    "Pengamen memaksa pengendara di lampu merah {place}.",
  ],
  bangunan: [
    "Bangunan liar berdiri di atas saluran di {place}.",
    "Ruko baru di {place} melewati garis sempadan.",
    "pembangunan di {place} tanpa izin, tolong dicek PBG",
    "Bangunan di {place} menutup akses jalan warga.",
  ],
  kebakaran: [
    "Hidran di {place} rusak dan tidak bisa dipakai.",
    "Kabel listrik di {place} sering korsleting dan keluar percikan api.",
    "apar di {place} sudah kedaluwarsa",
    "Akses mobil damkar ke {place} tertutup parkir liar.",
  ],
  kesehatan: [
    "Mohon fogging di {place}, sudah tiga warga kena DBD.",
    "Banyak jentik nyamuk di genangan {place}.",
    "puskesmas dekat {place} antrinya sampai ke jalan",
    "Warga {place} banyak yang demam berdarah bulan ini.",
  ],
  pendidikan: [
    "Sekolah di {place} meminta pungutan di luar ketentuan.",
    "Pencairan KJP siswa di {place} terlambat.",
    "gedung sekolah di {place} atapnya bocor",
    "Guru honorer di sekolah dekat {place} belum digaji.",
  ],
  adminduk: [
    "Pelayanan KTP di kelurahan dekat {place} lama sekali, blanko habis.",
    "Pengurusan kartu keluarga di {place} dipungut biaya.",
    "akta kelahiran anak saya belum jadi, urus di {place}",
    "Antrian dukcapil di {place} sampai sore.",
  ],
  sosial: [
    "Gelandangan dan manusia gerobak tidur di trotoar {place}.",
    "Anak jalanan meminta uang dengan memaksa di {place}.",
    "ada ODGJ berkeliaran di {place}, warga takut",
    "Pengemis di {place} semakin banyak.",
  ],
  air_bersih: [
    "Pipa PAM bocor di {place}, air menyembur ke jalan.",
    "Air PAM di {place} keruh dan berbau.",
    "air pam mati di {place} dari kemarin",
    "Air tidak mengalir di {place} sejak tiga hari.",
  ],
  listrik: [
    "Kabel listrik PLN putus dan menjuntai di {place}.",
    "Tiang listrik di {place} miring hampir roboh.",
    "listrik padam terus di {place}, tiap malam mati lampu",
    "Gardu listrik di {place} berbunyi keras dan berasap.",
  ],
  fasilitas_kelurahan: [
    "Pos ronda di {place} roboh.",
    "Jembatan penyeberangan di {place} lantainya bolong.",
    "mck umum di {place} rusak, airnya gak ada",
    "Pagar pembatas kali di {place} rusak.",
  ],
  lainnya: [
    "Mohon perhatian untuk masalah di {place}.",
    "Ada keluhan warga di {place}, mohon ditindaklanjuti.",
    "tolong dicek ke {place}",
    "Warga {place} minta petugas datang.",
  ],
};

/** How often each category occurs (roughly as in Jakarta's complaint statistics: roads, rubbish and drains lead). */
const CATEGORY_WEIGHTS: Record<string, number> = {
  jalan_rusak: 14, sampah: 12, saluran_banjir: 11, parkir_liar: 8, lampu_jalan: 7, pkl: 6, trotoar_rusak: 5, pohon: 4,
  ketertiban_umum: 4, rambu_lalu_lintas: 3, transportasi_umum: 3, pencemaran: 3, air_bersih: 3, listrik: 3,
  fasilitas_kelurahan: 3, bangunan: 2, kesehatan: 2, sosial: 2, taman: 2, lainnya: 2, kebakaran: 1, pendidikan: 1, adminduk: 1,
};

const STREETS = [
  "Jl. Gatot Subroto dekat halte Semanggi", "Jl. HR Rasuna Said depan Gedung Kuningan", "Jl. Daan Mogot km 12", "Jl. Matraman Raya",
  "Jl. Pramuka dekat lampu merah", "Jl. Kramat Raya depan pasar", "gang sebelah masjid Al-Ikhlas RT 05 RW 03", "Jl. Panjang Kebon Jeruk",
  "Jl. Raya Bogor km 20", "Jl. Pluit Karang", "Jl. Cipinang Jaya", "Jl. Kemang Raya", "jalan masuk Rusun Marunda", "Jl. Tebet Barat Dalam",
  "Jl. Melawai Raya", "Jl. Kyai Tapa", "Jl. Hayam Wuruk", "Jl. Gunung Sahari", "Jl. Jatinegara Barat", "Jl. Otista Raya",
  "Jl. Warung Buncit Raya", "Jl. Mampang Prapatan", "Jl. Raya Pasar Minggu", "Jl. Condet Raya", "Jl. Raya Lenteng Agung",
  "Jl. Moh. Kahfi", "Jl. Raya Ciracas", "Jl. Raya Cipayung", "Jl. Kalimalang", "Jl. Duren Sawit Raya", "Jl. Pondok Kopi Raya",
  "Jl. Raya Cakung Cilincing", "Jl. RE Martadinata", "Jl. Boulevard Kelapa Gading", "Jl. Sunter Agung", "Jl. Kemayoran Gempol",
  "Jl. Pasar Senen", "Jl. Salemba Raya", "Jl. Cikini Raya", "Jl. Kebon Sirih", "Jl. Jatibaru Tanah Abang", "Jl. Bendungan Hilir",
  "Jl. Palmerah Barat", "Jl. Tomang Raya", "Jl. Ciledug Raya", "Jl. Metro Pondok Indah", "Jl. Cilandak KKO", "Jl. Fatmawati",
  "Jl. Kebayoran Lama", "Jl. Raya Pesanggrahan", "Jl. Meruya Ilir", "Jl. Kembangan Raya", "Jl. Joglo Raya", "Jl. Kapuk Raya",
  "Jl. Kalideres Raya", "Jl. Rawa Buaya", "Jl. Angke Indah", "Jl. Muara Baru", "Jl. Mangga Dua Raya", "Jl. Pademangan",
  "Jl. Pemuda Rawamangun", "Jl. Balai Pustaka", "Jl. Pulogadung", "Jl. Klender", "Jl. Sultan Agung", "Jl. Percetakan Negara",
  "Jl. Cempaka Putih Tengah", "Jl. Benyamin Sueb", "Jl. Pluit Raya", "Jl. Taman Sari", "Jl. Petojo", "Jl. Karet Pasar Baru",
];

const CLOSINGS = [
  "Sudah dua minggu belum ada tindakan.", "Mohon segera ditindaklanjuti.", "Tolong pak, sudah lama.", "Warga sudah resah.",
  "Kemarin ada yang jatuh di situ.", "Mohon petugas kelurahan turun.", "Sudah lapor RT tapi belum ada tindakan.",
  "Terutama parah kalau hujan.", "Foto terlampir.", "Terima kasih.", "@dkijakarta mohon dibantu", "sdh lama bgt",
];

const prng = mulberry32;

// Jakarta's land, roughly: the bounding box reports fall in.
const BBOX = { latMin: -6.37, latMax: -6.09, lonMin: 106.69, lonMax: 106.97 };
const HOTSPOT_SD_DEG = 0.015;

function hotspots(random: () => number) {
  return Array.from({ length: 40 }, () => ({
    lat: BBOX.latMin + 0.03 + random() * (BBOX.latMax - BBOX.latMin - 0.06),
    lon: BBOX.lonMin + 0.03 + random() * (BBOX.lonMax - BBOX.lonMin - 0.06),
  }));
}

/** What the seed and the queries are made of: any change to it (or to the migrations) seeds again. */
function seedDigest(): string {
  const h = createHash("sha256").update(JSON.stringify({ TEMPLATES, CATEGORY_WEIGHTS, STREETS, CLOSINGS, BBOX, HOTSPOT_SD_DEG, REPORTS }));
  const dir = path.join(ROOT, "src/store/migrations");
  for (const f of fs.readdirSync(dir).sort()) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  return h.digest("hex").slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// Seeding

/**
 * One statement: per row, random draws, then the category (from a weighted list), a template of that
 * category with a street and sometimes a closing, a point, a creation time over two years, and a state
 * that depends on age. Kelurahan codes are drawn per 2 km square (so a square has one), as the locator would.
 */
const SEED_SQL = `
  with draws as (
    select i, random() as r_cat, random() as r_tpl, random() as r_street, random() as r_close, random() as r_point,
      random() as r_spot, random() as r_u1, random() as r_u2, random() as r_u3, random() as r_age, random() as r_state, random() as r_done
    from generate_series(1, $1::int) i
  ), shaped as (
    select i, r_tpl, r_street, r_close, r_state, r_done,
      ($2::text[])[1 + floor(r_cat * cardinality($2::text[]))::int] as category,
      case when r_point < 0.04 then null
        when r_spot < 0.7 then ($4::float8[])[1 + floor(r_u1 * cardinality($4::float8[]))::int] + $8::float8 * sqrt(-2 * ln(1 - r_u2)) * cos(2 * pi() * r_u3)
        else $6::float8 + r_u2 * ($7::float8 - $6::float8) end as lat,
      case when r_point < 0.04 then null
        when r_spot < 0.7 then ($5::float8[])[1 + floor(r_u1 * cardinality($5::float8[]))::int] + $8::float8 * sqrt(-2 * ln(1 - r_u2)) * sin(2 * pi() * r_u3)
        else $9::float8 + r_u3 * ($10::float8 - $9::float8) end as lon,
      now() - r_age * interval '730 days' as created_at
    from draws
  ), described as (
    select s.*,
      replace(($3::jsonb -> s.category) ->> floor(s.r_tpl * jsonb_array_length($3::jsonb -> s.category))::int, '{place}',
        ($11::text[])[1 + floor(s.r_street * cardinality($11::text[]))::int])
      || case when s.r_close < 0.5 then ' ' || ($12::text[])[1 + floor(s.r_close * 2 * cardinality($12::text[]))::int] else '' end as description,
      case when s.created_at < now() - interval '60 days'
        then case when s.r_state < 0.7 then 'done' when s.r_state < 0.9 then 'closed' else 'waiting' end
        else case when s.r_state < 0.35 then 'waiting' when s.r_state < 0.55 then 'in_progress' when s.r_state < 0.8 then 'done' else 'closed' end
      end as state
    from shaped s
  )
  insert into reports (id, ticket, kind, description, category_code, lat, lon, kelurahan_code, channel, state, holding_unit_id,
    close_reason, done_at, closed_at, created_at, updated_at)
  select gen_random_uuid(), 'DUPB-' || lpad(d.i::text, 7, '0'), 'pengaduan', d.description, d.category, d.lat, d.lon,
    case when d.lat is null then null
      else ($13::text[])[1 + mod(abs(hashint8(floor(d.lat * 50)::bigint * 100000 + floor(d.lon * 50)::bigint)::bigint), cardinality($13::text[]))::int] end,
    'portal', d.state, 'jsc-triage',
    case when d.state = 'closed' then 'no_further_action' end,
    case when d.state = 'done' then d.created_at + (now() - d.created_at) * d.r_done * 0.5 end,
    case when d.state = 'closed' then d.created_at + (now() - d.created_at) * d.r_done * 0.5 end,
    d.created_at, d.created_at
  from described d`;

async function ensureSeeded(admin: pg.Client): Promise<{ seeded: boolean; seconds: number }> {
  const digest = seedDigest();
  const exists = (await admin.query("select 1 from pg_database where datname = $1", [DB_NAME])).rowCount;
  if (exists && env.BENCH_DUP_RESEED !== "1") {
    const db = new pg.Client({ connectionString: databaseUrl(DB_NAME) });
    await db.connect();
    try {
      const { rows } = await db.query<{ digest: string }>("select digest from bench_dup_seed").catch(() => ({ rows: [] as Array<{ digest: string }> }));
      if (rows[0]?.digest === digest) return { seeded: false, seconds: 0 };
    } finally {
      await db.end();
    }
  }
  const started = performance.now();
  await admin.query(`drop database if exists ${DB_NAME} with (force)`);
  await admin.query(`create database ${DB_NAME}`);
  const database = await openDatabase({ databaseUrl: databaseUrl(DB_NAME), dataDir: os.tmpdir(), poolSize: 2 });
  try {
    await prepareDatabase(database, defaultDeploymentDir());
    const random = prng(4);
    const spots = hotspots(random);
    const categories = Object.entries(CATEGORY_WEIGHTS).flatMap(([code, w]) => Array<string>(w).fill(code));
    const kelurahan = (await database.pool.query<{ code: string }>("select code from regions where level = 'desa_kelurahan' order by code")).rows.map((r) => r.code);
    process.stdout.write(`seeding ${fmt(REPORTS)} reports into ${DB_NAME} (one INSERT ... SELECT) ... `);
    await database.pool.query(SEED_SQL, [
      REPORTS, categories, JSON.stringify(TEMPLATES), spots.map((s) => s.lat), spots.map((s) => s.lon), BBOX.latMin, BBOX.latMax,
      HOTSPOT_SD_DEG, BBOX.lonMin, BBOX.lonMax, STREETS, CLOSINGS, kelurahan,
    ]);
    await database.pool.query("vacuum analyze reports");
    await database.pool.query("create table bench_dup_seed (digest text not null, reports integer not null, seeded_at timestamptz not null default now())");
    await database.pool.query("insert into bench_dup_seed (digest, reports) values ($1, $2)", [digest, REPORTS]);
  } finally {
    await database.close();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${fmt(seconds, 0)} s`);
  return { seeded: true, seconds };
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Probes as the portal sends them: a point from the same spread as the reports, a complaint, a category 70% of the time. */
function makeProbes(count: number, seed: number): CandidateProbe[] {
  const random = prng(seed);
  const spots = hotspots(prng(4));
  const categories = Object.entries(CATEGORY_WEIGHTS).flatMap(([code, w]) => Array<string>(w).fill(code));
  const pickOf = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const now = new Date();
  return Array.from({ length: count }, () => {
    let lat: number;
    let lon: number;
    if (random() < 0.7) {
      const spot = pickOf(spots);
      const r = HOTSPOT_SD_DEG * Math.sqrt(-2 * Math.log(1 - random()));
      const a = 2 * Math.PI * random();
      lat = spot.lat + r * Math.cos(a);
      lon = spot.lon + r * Math.sin(a);
    } else {
      lat = BBOX.latMin + random() * (BBOX.latMax - BBOX.latMin);
      lon = BBOX.lonMin + random() * (BBOX.lonMax - BBOX.lonMin);
    }
    const category = pickOf(categories);
    const description = `${pickOf(TEMPLATES[category]!).replace("{place}", pickOf(STREETS))} ${pickOf(CLOSINGS)}`;
    return { lat, lon, description, categoryCode: random() < 0.7 ? category : null, at: now };
  });
}

interface Run {
  name: string;
  concurrency: number;
  latencies: number[];
  seconds: number;
  /** share of the machine's CPU in use during the run (all processes) */
  busyShare: number;
  /** mean candidates returned (lookups only) */
  meanResults: number | null;
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    total += t;
    busy += t - c.times.idle;
  }
  return { busy, total };
}

async function measure(name: string, pool: pg.Pool, concurrency: number, count: number, call: (i: number, client: pg.PoolClient) => Promise<number | null>): Promise<Run> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
  try {
    // Warm-up on every connection: prepares the named statements and fills the caches.
    await Promise.all(clients.map(async (client, c) => {
      for (let i = 0; i < Math.ceil(WARMUP_QUERIES / concurrency); i++) await call(count + c * WARMUP_QUERIES + i, client);
    }));
    const latencies: number[] = [];
    let results = 0;
    let counted = 0;
    let next = 0;
    const cpu = cpuTimes();
    const started = performance.now();
    await Promise.all(clients.map(async (client) => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const n = await call(i, client);
        latencies.push(performance.now() - t0);
        if (n !== null) {
          results += n;
          counted++;
        }
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const after = cpuTimes();
    return {
      name,
      concurrency,
      latencies: latencies.sort((a, b) => a - b),
      seconds,
      busyShare: (after.busy - cpu.busy) / Math.max(1, after.total - cpu.total),
      meanResults: counted ? results / counted : null,
    };
  } finally {
    for (const c of clients) c.release();
  }
}

/** The plan of one lookup: the store's own statement and values, sent with EXPLAIN ANALYZE in front. */
async function explainLookup(pool: pg.Pool, probe: CandidateProbe): Promise<string[]> {
  const lines: string[] = [];
  const explaining: Queryable = {
    query: async (config: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
      const statement = typeof config === "string" ? { text: config, values } : config;
      const result = await pool.query<{ "QUERY PLAN": string }>(`explain (analyze, buffers, costs off) ${statement.text}`, statement.values);
      lines.push(...result.rows.map((r) => r["QUERY PLAN"]).filter((l) => !l.includes("Sort Key")).map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l)));
      return { ...result, rows: [] };
    },
  } as Queryable;
  await findDuplicateCandidates(explaining, probe);
  return lines;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Seeds when needed, measures, and returns the markdown section for BENCHMARKS.md. */
export async function runDuplicatesBench(): Promise<string> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    const machine = await describeMachine(admin);
    const seed = await ensureSeeded(admin);
    const pool = new pg.Pool({ connectionString: databaseUrl(DB_NAME), max: CONCURRENCY });
    try {
      const { rows: [stats] } = await pool.query<{ n: number; open: number; size: string }>(
        "select count(*)::int as n, count(*) filter (where state not in ('done', 'closed'))::int as open, pg_size_pretty(pg_total_relation_size('reports')) as size from reports",
      );
      const probes = makeProbes(QUERIES + WARMUP_QUERIES * 2, 7);
      const { rows: sampleRows } = await pool.query<{ id: string; kelurahan_code: string | null }>("select id, kelurahan_code from reports tablesample system (1) limit 5000");
      const ids = sampleRows.map((r) => r.id);
      // Kelurahan drawn like the reports' own (busy ones more often), for the lookup without a point.
      const kelurahan = sampleRows.flatMap((r) => (r.kelurahan_code ? [r.kelurahan_code] : []));
      const lookup = (withText: boolean) => async (i: number, client: pg.PoolClient) => {
        const probe = probes[i % probes.length]!;
        return (await findDuplicateCandidates(client, withText ? probe : { ...probe, description: null })).length;
      };
      const inKelurahan = async (i: number, client: pg.PoolClient) => {
        const probe = probes[i % probes.length]!;
        return (await findDuplicateCandidates(client, { ...probe, lat: null, lon: null, kelurahanCode: kelurahan[i % kelurahan.length]! })).length;
      };
      const byId = async (i: number, client: pg.PoolClient) => {
        await client.query({ name: "bench_report_by_id", text: "select id, ticket, state, category_code, lat, lon, created_at, support_count from reports where id = $1", values: [ids[i % ids.length]] });
        return null;
      };
      const runs: Run[] = [];
      const quiet: number[] = [];
      for (const concurrency of [1, CONCURRENCY]) {
        quiet.push(await waitForQuiet(admin, []));
        for (const [name, call] of [
          ["candidate lookup (point + text + category)", lookup(true)],
          ["same lookup without text (no similarity)", lookup(false)],
          ["lookup without a point (kelurahan + text + category)", inKelurahan],
          ["baseline: one report by primary key", byId],
        ] as const) {
          process.stdout.write(`${name}, ${concurrency} connection${concurrency > 1 ? "s" : ""} ... `);
          const run = await measure(name, pool, concurrency, QUERIES * (concurrency > 1 ? 2 : 1), call);
          console.log(`p50 ${fmt(quantile(run.latencies, 0.5), 2)} ms, p99 ${fmt(quantile(run.latencies, 0.99), 2)} ms`);
          runs.push(run);
        }
      }
      const plan = await explainLookup(pool, probes[0]!);
      const verdicts = runs.filter((r) => r.name.startsWith("candidate lookup")).map((r) => {
        const p99 = quantile(r.latencies, 0.99);
        return `${r.concurrency} connection${r.concurrency > 1 ? "s" : ""}: ${p99 < TARGET_P99_MS ? "PASS" : "FAIL"} (p99 ${fmt(p99, 2)} ms)`;
      });
      const table = [
        "| query | connections | queries | p50 ms | p99 ms | max ms | queries/s | candidates returned (mean) | machine CPU busy |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...runs.map((r) => `| ${r.name} | ${r.concurrency} | ${fmt(r.latencies.length)} | ${fmt(quantile(r.latencies, 0.5), 2)} | ${fmt(quantile(r.latencies, 0.99), 2)} | ${fmt(r.latencies[r.latencies.length - 1] ?? 0, 1)} | ${fmt(r.latencies.length / r.seconds)} | ${r.meanResults === null ? "-" : fmt(r.meanResults, 1)} | ${fmt(r.busyShare * 100)}% |`),
      ];
      return [
        SECTION_START,
        "## Duplicate candidates: lookup on 1,000,000 reports",
        "",
        "Generated by `npx tsx bench/triage-duplicates.ts`; rerunning it replaces this section.",
        "",
        `- Date: ${machine.date}`,
        `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}`,
        `- Node ${machine.node}; ${machine.postgres} (${machine.postgresSettings})`,
        `- Data: ${fmt(stats!.n)} reports (${fmt(stats!.open)} not done or closed), table with indexes ${stats!.size}; ${seed.seeded ? `seeded in this run (${fmt(seed.seconds)} s)` : "seeded by an earlier run (same vocabulary and migrations)"}`,
        "",
        table.join("\n"),
        "",
        `Target: candidate lookup p99 < ${TARGET_P99_MS} ms. ${verdicts.join("; ")}.`,
        `Other processes used ${quiet.map((q) => `${fmt(q * 100)}%`).join(" and ")} of the machine's CPU just before the two series (the script waits up to BENCH_QUIET_SECONDS for less than 15%).`,
        "",
        "The lookup for one probe (EXPLAIN ANALYZE of the statement `findDuplicateCandidates` sends, run once on its own; sort keys and long conditions cut):",
        "",
        "```",
        ...plan,
        "```",
        "",
        "Method: latencies are measured in the bench process around each call of `findDuplicateCandidates` (the store function the",
        `portal and officer routes call; pg driver, named prepared statement) or of the baseline query, after ${WARMUP_QUERIES} warm-up calls per run.`,
        `Each run is ${fmt(QUERIES)} queries on one connection, or ${fmt(QUERIES * 2)} spread over ${CONCURRENCY} connections working at once (closed loop: each`,
        "sends its next query when the last one answered). Probes: 70% around the same 40 busy places as the seed, 30% anywhere in",
        "Jakarta; a complaint text from the seed's vocabulary with another street; a category 70% of the time; radius 250 m, done",
        "reports within 30 days, open reports within 180 days, top 5. The lookup without a point searches a kelurahan instead",
        "(drawn like the reports' own, so busy ones more often; the seed gives each 2 km square one kelurahan, so a busy",
        "kelurahan holds up to ~19,000 reports). The references are measured in the same run on the same",
        "connections: the same lookup without a text (pre-filter, distance and ranking, no trigram similarity) and a bare",
        "primary-key read of one report (the cheapest indexed query: what the connection, driver and server cost by themselves).",
        "Machine CPU busy counts every process on the machine (other test runs share it). PostgreSQL and this process run on the",
        "same two cores; the figures are round trips over loopback TCP.",
        SECTION_END,
      ].join("\n");
    } finally {
      await pool.end();
    }
  } finally {
    await admin.end();
  }
}

async function main(): Promise<number> {
  const section = await runDuplicatesBench();
  console.log(`\n${section}\n`);
  if (env.BENCH_NO_WRITE !== "1") {
    writeSection(SECTION_START, SECTION_END, section);
    console.log("recorded in BENCHMARKS.md");
  }
  return env.BENCH_STRICT === "1" && section.includes(": FAIL") ? 1 : 0;
}

if (isMain(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

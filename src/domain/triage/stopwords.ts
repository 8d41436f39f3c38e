/**
 * Indonesian stopwords for the category classifier: function words, pronouns, greetings, fillers and
 * discourse particles that say nothing about WHAT a report is about. Listed in their standard form
 * (what normalize.ts produces) and in the SMS/tweet forms as well, so the list also works on text that
 * was not normalized. Question words and negation are here too: they matter for the report kind and
 * for substance (report-kind.ts, substance.ts read the full token list), not for the category.
 */

const WORDS = `
  yang dan di ke dari ini itu dengan untuk pada dalam oleh atau serta juga adalah ialah yaitu yakni
  akan telah sudah belum sedang masih pernah baru lagi pun lah kah tah
  tidak bukan jangan tanpa tak
  saya aku kami kita anda kamu engkau dia ia beliau mereka kalian sendiri
  ku mu nya punya milik
  sangat banget sekali amat terlalu cukup agak paling lebih kurang makin semakin
  bisa dapat boleh harus wajib perlu mau ingin akan mesti
  an meskipun walaupun biarpun via
  karena sebab jika kalau apabila bila ketika saat sewaktu selama sejak hingga sampai setelah sesudah sebelum
  tetapi namun melainkan sedangkan padahal sehingga agar supaya maka jadi lalu kemudian
  sebagai seperti bagai bagaikan seolah
  saja hanya cuma doang
  ada adanya apa siapa mana kapan bagaimana mengapa kenapa berapa dimana kemana darimana
  semua segala setiap tiap para beberapa sebagian seluruh masing
  begitu begini gitu gini demikian tersebut sini situ sana
  dong deh sih nih tuh ya yah kok kan loh lho nah wah eh ah oh ih kah
  halo hai hallo assalamualaikum waalaikumsalam salam permisi
  selamat pagi siang sore terima kasih makasih trims thanks hormat
  min admin mimin pak bu bapak ibu mas mbak kak kakak bang abang om tante gan sis
  mohon tolong harap minta
  tentang mengenai terhadap kepada bagi antara
  hal cara
  sdh udh udah dah blm blom tdk gk ga gak nggak ngga enggak engga kagak g
  yg dgn dg utk krn karna dr sy gw gue gua aq lu lo elu tlg mhn bgt jg lg aja tp klo kl kalo gmn gimana
  knp kpn brp dmn kmn pd sm ama spt kyk kayak emg emang trs trus
  `;

export const STOPWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));

export function isStopword(word: string): boolean {
  return word.length < 2 || STOPWORDS.has(word);
}

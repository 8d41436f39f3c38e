import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multipart, PLACES, startTestApp, type TestApp } from "./harness.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: "#6a8" } })
    .jpeg()
    .withExif({
      IFD0: { Make: "SecretPhoneMaker", Model: "Model-X1" },
      IFD2: { DateTimeOriginal: "2025:06:02 08:15:00" },
      IFD3: { GPSLatitudeRef: "S", GPSLatitude: "6/1 10/1 3144/100", GPSLongitudeRef: "E", GPSLongitude: "106/1 49/1 3792/100" },
    })
    .toBuffer();
}

describe("photos on the portal", () => {
  it("a multipart report keeps the original private and shows the public a copy without EXIF", async () => {
    const original = await jpegWithGps();
    expect(original.includes(Buffer.from("SecretPhoneMaker"))).toBe(true);
    const { payload, headers } = multipart(
      { description: "Pohon tumbang menutup jalan", lat: String(PLACES.monas.lat), lon: String(PLACES.monas.lon), category: "pohon", "contact.email": "foto@example.com" },
      [{ name: "photos", filename: "pohon.jpg", data: original, type: "image/jpeg" }],
    );
    const res = await app.server.inject({ method: "POST", url: "/api/v1/public/reports", payload, headers });
    expect(res.statusCode, res.body).toBe(201);
    const { ticket } = res.json() as { ticket: string };
    const pub = (await app.get(`/api/v1/public/reports/${ticket}`)).json() as { photos: Array<{ url: string; id: string }>; location: { lat: number } };
    expect(pub.photos).toHaveLength(1);
    expect(pub.location.lat).toBe(-6.175);
    const photo = await app.server.inject({ method: "GET", url: pub.photos[0]!.url });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers["content-type"]).toBe("image/jpeg");
    const meta = await sharp(photo.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    expect(photo.rawPayload.includes(Buffer.from("SecretPhoneMaker"))).toBe(false);
    // Officers in scope see the original with its EXIF (validators check time and place).
    const sudin = await app.officer("agency_officer", "dinas-pertamanan-hutan-kota@31.71");
    const view = (await app.get(`/api/v1/reports/${ticket}`, sudin)).json() as { photos: Array<{ url: string; exif: { gps: { lat: number; lon: number }; takenAt: string } }> };
    expect(view.photos[0]!.exif.gps.lat).toBeCloseTo(-6.1754, 3);
    expect(view.photos[0]!.exif.takenAt).toBe("2025-06-02T08:15:00");
    const orig = await app.server.inject({ method: "GET", url: view.photos[0]!.url, headers: { cookie: sudin.cookie } });
    expect(orig.rawPayload.equals(original)).toBe(true);
    const outsider = await app.officer("kelurahan_officer", "kel-31.74.07.1001");
    expect((await app.server.inject({ method: "GET", url: view.photos[0]!.url, headers: { cookie: outsider.cookie } })).statusCode).toBe(403);
  });

  it("a text file named .jpg is refused by content, and nothing is written", async () => {
    const before = (await app.running.ctx.pool.query<{ n: number }>("select count(*)::int as n from reports")).rows[0]!.n;
    const { payload, headers } = multipart({ description: "Lihat foto" }, [{ name: "photos", filename: "a.jpg", data: Buffer.from("<?php echo 'hi'; ?>"), type: "image/jpeg" }]);
    const res = await app.server.inject({ method: "POST", url: "/api/v1/public/reports", payload, headers });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const after = (await app.running.ctx.pool.query<{ n: number }>("select count(*)::int as n from reports")).rows[0]!.n;
    expect(after).toBe(before);
  });
});
